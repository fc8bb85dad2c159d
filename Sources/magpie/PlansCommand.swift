import ArgumentParser
import Foundation
import Storage

struct PlansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plans",
        abstract: "Manage usage plans: a quota per day, week or month and a request rate with burst.",
        subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a usage plan.")

        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The plan's name, used by `keys create --plan`.") var name: String
        @Option(help: "Requests per period, e.g. 10000/month (periods: day, week, month, UTC); none for no quota.")
        var quota: String = "none"
        @Option(help: "Steady request rate per key, requests per second.") var rate: Double
        @Option(help: "Requests a key may make at once above the rate (token bucket size).") var burst: Int

        func run() async throws {
            let quota = self.quota == "none" ? nil : try Quota(parsing: self.quota)
            let plan = try UsagePlan(name: name, quota: quota, rate: rate, burst: burst)
            try await databaseOptions.withStore { try await $0.createPlan(plan) }
            print("Created plan \(plan.name): quota \(quota?.description ?? "none"), rate \(plan.rate)/s, burst \(plan.burst)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List usage plans.")

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let plans = try await databaseOptions.withStore { try await $0.plans() }
            let rows = plans.map { [$0.name, $0.quota?.description ?? "none", "\($0.rate)", "\($0.burst)"] }
            print(TextTable.render(header: ["name", "quota", "rate/s", "burst"], rows: rows))
        }
    }
}
