import ArgumentParser

@main
struct Magpie: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "magpie",
        abstract: "Train text classifiers and serve them behind a secure, fast HTTP API.",
        version: "0.1.0",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, PredictCommand.self, DescribeCommand.self, ServeCommand.self,
            KeysCommand.self,
            PlansCommand.self,
        ]
    )
}
