import ArgumentParser
import Foundation

@main
struct Magpie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "magpie",
        abstract: "Train text classifiers and serve them behind a secure, fast HTTP API.",
        version: "0.1.0",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, DescribeCommand.self, ServeCommand.self,
            KeysCommand.self, ModelsCommand.self, WatchCommand.self,
            PlansCommand.self, LambdaCommand.self, PackageCommand.self, BenchCommand.self, ContainerCommand.self,
        ]
    )

    /// Lambda starts a custom runtime as `bootstrap`: that name runs `magpie lambda`.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if URL(fileURLWithPath: CommandLine.arguments.first ?? "").lastPathComponent == "bootstrap" {
            await main(["lambda"] + arguments)
        } else {
            await main(arguments)
        }
    }
}
