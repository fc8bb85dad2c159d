import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a restart command with `sh -c` and waits for it: spawned and reaped directly
/// (`posix_spawn`, `waitpid` on a thread of its own), since `Process` in a command-line
/// program without a run loop can leave the exited shell a zombie it still calls running.
/// Its output goes to /dev/null, so a server it starts in the background holds no pipe open.
enum ShellCommand {
    static func run(_ command: String) async throws(BenchError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            let mode = descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", mode, 0)
        }
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, arguments, environ)
        guard spawned == 0 else {
            throw .invalidOption("--restart-command", "cannot be run: \(String(cString: strerror(spawned)))")
        }
        let child = pid
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        // WIFEXITED and WEXITSTATUS, which Swift does not import as macros.
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            throw .invalidOption(
                "--restart-command", exited ? "'\(command)' exited with status \(code)" : "'\(command)' was killed by a signal")
        }
    }
}
