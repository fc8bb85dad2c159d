import ArgumentParser
import ContainerPackaging
import Foundation
import LambdaPackaging
import ServerAssembly

struct PackageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Package Magpie and its models for deployment.",
        subcommands: [Lambda.self, Container.self, SageMakerModel.self]
    )

    struct Lambda: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lambda",
            abstract: "Write function.zip (bootstrap and models) and a SAM template.yaml for AWS Lambda behind API Gateway.",
            discussion: """
                The bootstrap is this magpie executable (or --executable): a release build linked \
                statically, as scripts/build-release makes it, which Lambda's provided.al2023 runtime \
                starts with nothing else installed; packaging refuses one that needs other shared \
                libraries or a glibc newer than 2.34. Deploy with scripts/deploy, or `sam deploy` in \
                the output folder.

                --remote NAME=sagemaker:ENDPOINT serves NAME by calling that SageMaker endpoint (in \
                the stack's account and region); the function's role may invoke exactly those \
                endpoints. --api rest (default) puts a REST API with API keys and a usage plan in \
                front; --api http an HTTP API (payload 2.0, native CORS), where the function checks \
                Magpie's keys (MAGPIE_KEY_CHECK=on): those shipped with --database, counted per \
                execution environment, or with --key-store dynamodb those in a DynamoDB table the \
                stack creates, counted exactly across all environments.
                """
        )

        @Option(name: .customLong("model"), help: "A model artifact folder to ship (repeat for more).")
        var models: [String] = []
        @Option(
            name: .customLong("remote"),
            help: "A model served by a SageMaker endpoint: NAME=sagemaker:ENDPOINT (repeat for more).")
        var remotes: [String] = []
        @Option(help: "The API in front: rest (API keys, usage plan) or http (payload 2.0; the function checks keys).")
        var api: String = "rest"
        @Option(help: "The folder for function.zip and template.yaml.") var output: String = "dist"
        @Option(help: "The executable to ship as bootstrap (default: this magpie).") var executable: String?
        @Option(help: "A `magpie serve` YAML file (routes, model settings) to ship as magpie.yaml.") var config: String?
        @Option(help: "A key database to ship, for MAGPIE_KEY_CHECK=on behind an HTTP API or Function URL.")
        var database: String?
        @Option(
            help:
                "Where an HTTP API's function keeps keys and quotas: sqlite (the --database file) or dynamodb (a table in the stack)."
        )
        var keyStore: String = "sqlite"

        @Option(help: "The template's default AppName, the prefix of every resource name.") var appName: String = "magpie"
        @Flag(
            help:
                "Retrain on new datasets: a models bucket (datasets/NAME/, models/NAME/VERSION/), a training function on its S3 events, and the serving function reading versions and releases from the bucket and the stack's table."
        )
        var retrain = false
        @Flag(
            help:
                "Write a Lambda container image (image.tar, as `package container` makes it) and a template with PackageType: Image and an ImageUri parameter, instead of function.zip."
        )
        var image = false
        @Option(help: "With --image: the image's name and version.") var tag: String = "magpie:latest"

        func run() throws {
            guard let api = SAMTemplate.API(rawValue: api) else {
                throw ValidationError("--api \(api): expected rest or http")
            }
            guard let keyStore = LambdaPackage.KeyStoreKind(rawValue: keyStore) else {
                throw ValidationError("--key-store \(keyStore): expected sqlite or dynamodb")
            }
            if let config {
                // The same checks the function runs at its cold start, so a bad file fails here.
                var configuration = ServeConfiguration()
                try configuration.apply(file: config)
            }
            let summary: LambdaPackage.Summary
            do {
                let package = LambdaPackage(
                    executable: executable ?? Self.runningExecutable, models: models,
                    remotes: try remotes.map(SageMakerProxy.init(parsing:)), api: api, keyStore: keyStore, configuration: config,
                    database: database, appName: appName, retrain: retrain, image: image)
                summary = try package.write(to: output)
            } catch { throw ValidationError(error.description) }
            if let archive = summary.archive {
                print(
                    """
                    Wrote \(archive): \(Self.megabytes(summary.zippedBytes)) zipped, \
                    \(Self.megabytes(summary.unzippedBytes)) unzipped (\(summary.architecture); models: \
                    \(summary.models.joined(separator: ", ")))
                    Wrote \(summary.template)
                    Deploy: scripts/deploy --package \(output) --environment dev --bucket BUCKET
                    """)
            } else {
                let imageFile = URL(fileURLWithPath: output).appendingPathComponent("image.tar").path
                let written: ContainerImage.Summary
                do {
                    written = try ContainerImage(
                        executable: executable ?? Self.runningExecutable, models: models, tag: tag,
                        magpieVersion: Magpie.configuration.version
                    ).write(to: imageFile)
                } catch { throw ValidationError(error.description) }
                print(
                    """
                    Wrote \(written.output): \(written.tag), \(Self.megabytes(written.imageBytes)) (\(written.architecture); models: \
                    \(written.models.joined(separator: ", ")))
                    Wrote \(summary.template)
                    Deploy: skopeo copy oci-archive:\(written.output) docker://ACCOUNT.dkr.ecr.REGION.amazonaws.com/\(written.tag), then
                      sam deploy --template-file \(summary.template) --parameter-overrides ImageUri=ACCOUNT.dkr.ecr.REGION.amazonaws.com/\(written.tag) ...
                    """)
            }
            if retrain {
                print(
                    """
                    Then upload the models the functions serve and retrain, and drop datasets beside them:
                      aws s3 sync MODELS/ s3://\(appName)-dev-models-ACCOUNT/models/
                      aws s3 cp new.csv s3://\(appName)-dev-models-ACCOUNT/datasets/NAME/new.csv
                    """)
            }
            if keyStore == .dynamoDB {
                print(
                    """
                    Then add plans and keys to the stack's table (\(appName)-ENVIRONMENT-keys), e.g.:
                      magpie plans create --database dynamodb://\(appName)-dev-keys --name default --quota 10000/month --rate 1000 --burst 1000
                      magpie keys create --database dynamodb://\(appName)-dev-keys --name client --plan default
                    """)
            }
        }

        /// `/proc/self/exe` names the running binary even when started through a symlink or PATH.
        static var runningExecutable: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }

        static func megabytes(_ bytes: Int64) -> String {
            String(format: "%.1f MB", Double(bytes) / 1_000_000)
        }
    }
}
