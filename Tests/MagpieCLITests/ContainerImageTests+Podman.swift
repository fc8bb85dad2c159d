import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension ContainerImageTests {
    /// podman with this machine's settings (docs/containers.md): vfs storage and runc, in a
    /// storage folder of the test's own, with raised ulimits switched off.
    struct Podman {
        let workspace: Workspace
        /// podman refuses a run root longer than 50 characters, so it is not in the workspace.
        let runRoot = "/tmp/podman-run-" + UUID().uuidString.prefix(8)
        static let executable = URL(fileURLWithPath: "/usr/bin/podman")

        init(_ workspace: Workspace) throws {
            guard FileManager.default.isExecutableFile(atPath: Self.executable.path) else {
                throw MissingPodman()
            }
            self.workspace = workspace
            try workspace.write("containers.conf", "[containers]\ndefault_ulimits = []\n")
        }

        func run(_ arguments: [String]) async throws -> MagpieProcess.Result {
            try await MagpieProcess.run(
                [
                    "--storage-driver", "vfs", "--runtime", "runc", "--cgroup-manager", "cgroupfs", "--root",
                    workspace.path("storage"), "--runroot", runRoot,
                ] + arguments, environment: ["CONTAINERS_CONF": workspace.path("containers.conf")], executable: Self.executable)
        }

        /// Removes the containers and the image store (gigabytes under vfs).
        func clean() async {
            _ = try? await run(["rm", "--all", "--force"])
            try? FileManager.default.removeItem(atPath: workspace.path("storage"))
            try? FileManager.default.removeItem(atPath: runRoot)
        }
    }

    struct MissingPodman: Error, CustomStringConvertible {
        var description: String { "podman is not installed; run scripts/system-packages test" }
    }
}
