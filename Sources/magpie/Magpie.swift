import ArgumentParser
import Encoders
import Foundation

@main
struct Magpie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "magpie",
        abstract: "Train text classifiers and serve them behind a secure, fast HTTP API.",
        version: "0.1.0",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, DescribeCommand.self, QuantizeCommand.self,
            ServeCommand.self,
            KeysCommand.self, ModelsCommand.self, WatchCommand.self,
            PlansCommand.self, LambdaCommand.self, PackageCommand.self, BenchCommand.self, ContainerCommand.self,
        ]
    )

    /// Lambda starts a custom runtime as `bootstrap`: that name runs `magpie lambda`. The name
    /// is read without `URL`, whose first use costs a cold start a scan of every protocol
    /// conformance in the executable.
    static func main() async {
        ComputeThreads.stopOpenBLASThreads()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if (CommandLine.arguments.first ?? "").split(separator: "/").last == "bootstrap" {
            await main(["lambda"] + arguments)
        } else {
            await main(arguments)
        }
    }
}
