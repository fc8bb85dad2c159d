import ArgumentParser
import ContainerPackaging
import Foundation

extension PackageCommand {
    struct Container: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "container",
            abstract: "Write an OCI image (no Docker engine needed) for SageMaker, Lambda container images, ECS and Kubernetes.",
            discussion: """
                The image is built from scratch: this magpie executable (or --executable; a release \
                build from scripts/build-release needs only glibc's and GCC's runtime files, which \
                are copied in), CA certificates, the models under /opt/magpie/models with their \
                checksums in the image's annotations, and a non-root user. Its entry point serves, \
                trains or runs the Lambda runtime, as the platform starts it (docs/containers.md). \
                Load it with `podman load -i image.tar`, or push it with \
                `skopeo copy oci-archive:image.tar docker://REGISTRY/NAME:TAG`.
                """
        )

        @Option(name: .customLong("model"), help: "A model artifact folder to ship (repeat for more).")
        var models: [String] = []
        @Option(help: "The image's name and version.") var tag: String = "magpie:latest"
        @Option(help: "The OCI archive to write.") var output: String = "image.tar"
        @Option(help: "The executable to ship (default: this magpie).") var executable: String?
        @Option(help: "The source repository's URL, recorded in the image's annotations.") var source: String?

        func run() throws {
            let summary: ContainerImage.Summary
            do {
                summary = try ContainerImage(
                    executable: executable ?? Lambda.runningExecutable, models: models, tag: tag,
                    magpieVersion: Magpie.configuration.version, source: source
                ).write(to: output)
            } catch { throw ValidationError(error.description) }
            print(
                """
                Wrote \(summary.output): \(summary.tag), \(Lambda.megabytes(summary.imageBytes)) \
                (\(summary.architecture); models: \(summary.models.joined(separator: ", ")); \
                libraries: \(summary.libraries.joined(separator: ", ")))
                Load: podman load -i \(summary.output)
                """)
        }
    }

    struct SageMakerModel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sagemaker-model",
            abstract: "Write model.tar.gz for a SageMaker model (ModelDataUrl), one folder per model.",
            discussion: """
                SageMaker unpacks it into /opt/ml/model, which the image's `serve` mode serves. A \
                SageMaker training job running the image leaves the same layout in its own \
                model.tar.gz.
                """
        )

        @Option(name: .customLong("model"), help: "A model artifact folder to include (repeat for more).")
        var models: [String] = []
        @Option(help: "The archive to write.") var output: String = "model.tar.gz"

        func run() throws {
            let summary: SageMakerModelArchive.Summary
            do { summary = try SageMakerModelArchive(models: models).write(to: output) } catch {
                throw ValidationError(error.description)
            }
            print(
                """
                Wrote \(summary.output): \(Lambda.megabytes(summary.compressedBytes)) \
                (\(Lambda.megabytes(summary.uncompressedBytes)) unpacked; models: \(summary.models.joined(separator: ", ")))
                """)
        }
    }
}
