import Foundation
import Testing

/// `magpie serve --config`: a bad file fails at start naming the key; a good one serves its
/// models, routes and plans.
@Suite(.serialized) struct ServeConfigurationTests {
    @Test func invalidConfigurationsNameTheOffendingKey() async throws {
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
            ("models:\n  m:\n    path: x\n    canary: {step: 0}\n", "models.m.canary.step: expected a whole number from 1 to 99"),
            (
                "models:\n  m:\n    path: x\n    canary: {max_label_divergence: 2}\n",
                "models.m.canary.max_label_divergence: expected a number from 0 to 1"
            ),
            ("models:\n  m:\n    path: x\n    canary: {window: 3}\n", "models.m.canary.window: unknown key"),
            ("colour: blue\n", "colour: unknown key; expected one of: models, plans, routes, server"),
            ("server:\n  log_level: loud\n", "config.yaml:2: server.log_level: expected one of: trace, debug, info, notice"),
            ("server: [1, 2\n", "not valid YAML"),
            ("server:\n  timeouts: {head: 0}\n", "server.timeouts.head: expected a positive number"),
            ("server:\n  timeouts: {heads: 5}\n", "server.timeouts.heads: unknown key"),
            ("server:\n  timeouts: {keep_alive: 7200}\n", "server.timeouts.keep_alive: expected at most 3600 seconds"),
            ("server:\n  timeouts: {shutdown: -1}\n", "server.timeouts.shutdown: expected a positive number"),
            ("server:\n  max_connections: 0\n", "server.max_connections: expected a whole number from 1"),
            ("server:\n  failed_keys: {burst: 0}\n", "server.failed_keys.burst: expected a whole number from 1"),
            ("server:\n  tls: {certificate: cert.pem}\n", "server.tls: needs both certificate and key"),
            ("models:\n  m:\n    idle_timeout: 3\n", "models.m: needs a path to the model artifact, or sagemaker or http"),
            ("models:\n  s:\n    sagemaker: {endpoint: -bad}\n", "models.s.sagemaker: needs endpoint: a SageMaker endpoint name"),
            (
                "models:\n  s:\n    sagemaker: {endpoint: e}\n    http: {url: \"http://127.0.0.1:1/\"}\n",
                "models.s.http: give sagemaker or http, not both"
            ),
            ("models:\n  s:\n    http: {url: \"ftp://x/\"}\n", "models.s.http.url: must be an http:// or https:// URL"),
            (
                "models:\n  s:\n    http: {url: \"http://127.0.0.1:1/\", format: onnx}\n",
                "models.s.http.format: expected one of: huggingface, kserve-v2, magpie"
            ),
            ("models:\n  m:\n    path: x\n    timeout: 3\n", "models.m.timeout: timeout applies to remote models only"),
            (
                "models:\n  s:\n    http: {url: \"http://127.0.0.1:1/\"}\n    timeout: 0\n",
                "models.s.timeout: expected a whole number from 1 to 900"
            ),
            (
                "models:\n  s:\n    http: {url: \"http://127.0.0.1:1/\"}\n    fallback: nope\n",
                "models.s.fallback: model 'nope' is not among the served models"
            ),
            (
                "models:\n  s:\n    http: {url: \"http://127.0.0.1:1/\"}\n    fallback: s\n",
                "models.s.fallback: a model cannot be its own fallback"
            ),
            (
                "models:\n  s:\n    http: {url: \"http://127.0.0.1:1/\"}\n    headers_from_env: {Authorization: MAGPIE_TEST_UNSET_TOKEN}\n",
                "header Authorization comes from MAGPIE_TEST_UNSET_TOKEN, which is not set"
            ),
            (
                "models:\n  s:\n    http: {url: \"http://127.0.0.1:1/\"}\n    circuit_breaker: {failures: 2, cooldwn: 3}\n",
                "models.s.circuit_breaker.cooldwn: unknown key"
            ),
        ]
        for (yaml, message) in cases {
            let path = try workspace.write("config.yaml", yaml)
            let result = try await MagpieProcess.run(["serve", "--config", path, "--database", workspace.path("db.sqlite")])
            #expect(result.status != 0, "\(yaml)")
            #expect(result.standardError.contains(message), "\(yaml): \(result.standardError)")
        }
        let environment = try await MagpieProcess.run(
            ["serve", "--database", workspace.path("db.sqlite")], environment: ["MAGPIE_PORT": "eighty"])
        #expect(environment.standardError.contains("MAGPIE_PORT: expected a whole number from 0 to 65535, got 'eighty'"))
    }
}
