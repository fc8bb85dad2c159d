import Foundation
import Testing

/// `magpie serve --config`: a bad file fails at start naming the key; a good one serves its
/// models, routes and plans.
@Suite(.serialized) struct ServeConfigurationTests {
    @Test func invalidConfigurationsNameTheOffendingKey() throws {
        let workspace = try Workspace()
        let cases: [(yaml: String, message: String)] = [
            ("server:\n  prot: 8080\n", "config.yaml:2: server.prot: unknown key; expected one of:"),
            ("server:\n  port: 99999\n", "server.port: expected a whole number from 0 to 65535"),
            ("models:\n  m:\n    path: x\n    idle_timout: 3\n", "models.m.idle_timout: unknown key"),
            ("models:\n  m:\n    provisioned: yes please\n", "models.m.provisioned: expected true or false"),
            ("models:\n  m:\n    idle_timeout: 3\n", "models.m: needs a path to the model artifact"),
            ("routes:\n  r:\n    choices: {a: m}\n", "routes.r: needs json_field or header"),
            (
                "routes:\n  r:\n    header: X\n    choices: {a: m}\n    default: b\n",
                "routes.r.default: default 'b' is not one of"
            ),
            ("plans:\n  p: {quota: 10/year, rate: 1, burst: 1}\n", "invalid quota '10/year'"),
            ("plans:\n  p: {rate: 1}\n", "plans.p: needs rate and burst"),
            ("colour: blue\n", "colour: unknown key; expected one of: models, plans, routes, server"),
            ("server:\n  log_level: loud\n", "config.yaml:2: server.log_level: expected one of: trace, debug, info, notice"),
            ("server: [1, 2\n", "not valid YAML"),
        ]
        for (yaml, message) in cases {
            let path = try workspace.write("config.yaml", yaml)
            let result = try MagpieProcess.run(["serve", "--config", path, "--database", workspace.path("db.sqlite")])
            #expect(result.status != 0, "\(yaml)")
            #expect(result.standardError.contains(message), "\(yaml): \(result.standardError)")
        }
        let environment = try MagpieProcess.run(
            ["serve", "--database", workspace.path("db.sqlite")], environment: ["MAGPIE_PORT": "eighty"])
        #expect(environment.standardError.contains("MAGPIE_PORT: expected a whole number from 0 to 65535, got 'eighty'"))
    }
}
