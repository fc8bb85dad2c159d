import Foundation
import LambdaPackaging
import MagpieTestSupport
import Testing
import Yams

/// `--remote NAME=sagemaker:ENDPOINT` and `--api http`: what they accept, what they refuse, and
/// the IAM statement and API the template then holds.
@Suite struct RemoteAndHTTPAPITests {
    @Test func parsesRemoteOptionsAndRefusesMalformedOnes() throws {
        #expect(
            try SageMakerProxy(parsing: "sentiment=sagemaker:distilbert-imdb")
                == SageMakerProxy(name: "sentiment", endpoint: "distilbert-imdb"))
        for option in [
            "sentiment", "sentiment=distilbert-imdb", "sentiment=http:x", "=sagemaker:x", "a/b=sagemaker:x",
            "s=sagemaker:", "s=sagemaker:-leading", "s=sagemaker:under_score", "s=sagemaker:" + String(repeating: "a", count: 64),
        ] {
            #expect(throws: PackagingError.self, "\(option)") { try SageMakerProxy(parsing: option) }
            do { _ = try SageMakerProxy(parsing: option) } catch { #expect(error.description.hasPrefix("--remote \(option): ")) }
        }
    }

    @Test func refusesAnHTTPAPIWithoutKeysAndARemoteNameThatIsTaken() throws {
        let output = try LambdaPackageTests.temporaryDirectory().appendingPathComponent("dist").path
        let remote = SageMakerProxy(name: "hate-speech", endpoint: "distilbert-imdb")
        #expect(throws: PackagingError.keysNeeded) {
            try LambdaPackage(
                executable: LambdaPackageTests.dynamicExecutable, models: [ModelFixture.artifact], api: .http,
                configuration: nil, database: nil, appName: "magpie"
            ).write(to: output)
        }
        #expect(throws: PackagingError.remoteNameTaken("hate-speech")) {
            try LambdaPackage(
                executable: LambdaPackageTests.dynamicExecutable, models: [ModelFixture.artifact], remotes: [remote],
                configuration: nil, database: nil, appName: "magpie"
            ).write(to: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output + "/function.zip"))
    }

    static func template(_ api: SAMTemplate.API, endpoints: [String]) throws -> Node.Mapping {
        let text = SAMTemplate(
            api: api, architecture: "x86_64", models: ["hate-speech", "sentiment"], sageMakerEndpoints: endpoints,
            environment: [("MAGPIE_MODELS", "models")], defaultAppName: "magpie"
        ).text
        return try #require(try Yams.compose(yaml: text)?.mapping, "not a YAML mapping:\n\(text)")
    }

    static func function(_ template: Node.Mapping) throws -> Node.Mapping {
        try #require(template["Resources"]?["Function"]?["Properties"]?.mapping)
    }

    /// One statement, one action, one ARN per endpoint (lower-cased, as SageMaker writes them);
    /// no wildcard anywhere in it.
    @Test func remoteEndpointsAreGrantedByTheirARNsOnly() throws {
        let function = try Self.function(try Self.template(.rest, endpoints: ["distilbert-imdb", "Ranker-2"]))
        let statements = try #require(function["Policies"]?.sequence?.first?["Statement"]?.sequence)
        #expect(statements.count == 1)
        let statement = try #require(statements.first)
        #expect(statement["Effect"]?.string == "Allow")
        #expect(statement["Action"]?.string == "sagemaker:InvokeEndpoint")
        let resources = try #require(statement["Resource"]?.sequence).map { $0.string ?? "" }
        #expect(
            resources == [
                "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/distilbert-imdb",
                "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/ranker-2",
            ])
        #expect(!resources.contains { $0.contains("*") })
        #expect(try Self.function(try Self.template(.rest, endpoints: []))["Policies"] == nil)
    }

    @Test func theHTTPAPIIsPayloadTwoWithAnyMethodAndNativeCORS() throws {
        let template = try Self.template(.http, endpoints: [])
        let api = try #require(template["Resources"]?["Api"]?.mapping)
        #expect(api["Type"]?.string == "AWS::Serverless::HttpApi")
        let cors = try #require(api["Properties"]?["CorsConfiguration"]?.mapping)
        #expect(cors["AllowHeaders"]?.sequence?.contains { $0.string == "x-api-key" } == true)
        let infer = try #require(try Self.function(template)["Events"]?["Infer"]?.mapping)
        #expect(infer["Type"]?.string == "HttpApi")
        #expect(infer["Properties"]?["Method"]?.string == "ANY")
        #expect(infer["Properties"]?["Path"]?.string == "/infer/{model}")
        #expect(infer["Properties"]?["PayloadFormatVersion"]?.string == "2.0")
        #expect(template["Resources"]?["UsagePlan"] == nil)
        let rest = try Self.template(.rest, endpoints: [])
        #expect(rest["Resources"]?["Api"]?["Type"]?.string == "AWS::Serverless::Api")
        #expect(rest["Resources"]?["UsagePlan"] != nil)
    }
}
