import Foundation
import LambdaPackaging
import MagpieTestSupport
import Testing
import Yams

/// `--key-store dynamodb`: the table the template creates, the one statement that lets the
/// function use it, and the combinations packaging refuses.
@Suite struct KeyTableTests {
    static func template() throws -> Node.Mapping {
        let text = SAMTemplate(
            api: .http, architecture: "x86_64", models: ["hate-speech"], sageMakerEndpoints: [], keyTable: true,
            environment: [("MAGPIE_MODELS", "models"), ("MAGPIE_KEY_CHECK", "on")], defaultAppName: "magpie"
        ).text
        return try #require(try Yams.compose(yaml: text)?.mapping, "not a YAML mapping:\n\(text)")
    }

    /// On-demand, keyed by the string `pk`, TTL on `expires_at`, kept when the stack goes.
    @Test func theTableIsOnDemandWithTimeToLiveAndRetained() throws {
        let table = try #require(try Self.template()["Resources"]?["KeyTable"]?.mapping)
        #expect(table["Type"]?.string == "AWS::DynamoDB::Table")
        #expect(table["DeletionPolicy"]?.string == "Retain" && table["UpdateReplacePolicy"]?.string == "Retain")
        let properties = try #require(table["Properties"]?.mapping)
        #expect(properties["BillingMode"]?.string == "PAY_PER_REQUEST")
        #expect(properties["KeySchema"]?.sequence?.map { $0["AttributeName"]?.string } == ["pk"])
        #expect(properties["AttributeDefinitions"]?[0]?["AttributeType"]?.string == "S")
        #expect(properties["TimeToLiveSpecification"]?["AttributeName"]?.string == "expires_at")
        #expect(properties["TimeToLiveSpecification"]?["Enabled"]?.bool == true)
    }

    /// The function finds the table through `MAGPIE_DATABASE` and may read, count and record
    /// its layout in exactly that table, nothing else.
    @Test func theFunctionMayUseExactlyThatTable() throws {
        let function = try RemoteAndHTTPAPITests.function(try Self.template())
        let database = try #require(function["Environment"]?["Variables"]?["MAGPIE_DATABASE"])
        #expect(database.tag.description == "!Sub" && database.string == "dynamodb://${KeyTable}")
        let statements = try #require(function["Policies"]?.sequence?.first?["Statement"]?.sequence)
        #expect(statements.count == 1)
        let statement = try #require(statements.first)
        #expect(statement["Effect"]?.string == "Allow")
        #expect(
            statement["Action"]?.sequence?.compactMap(\.string)
                == ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"])
        let resource = try #require(statement["Resource"])
        #expect(resource.tag.description == "!GetAtt" && resource.string == "KeyTable.Arn")
    }

    @Test func refusesTheTableBehindTheRESTAPIOrBesideAKeyFile() throws {
        let output = try LambdaPackageTests.temporaryDirectory().appendingPathComponent("dist").path
        #expect(throws: PackagingError.keyStoreNeedsHTTPAPI) {
            try LambdaPackage(
                executable: LambdaPackageTests.dynamicExecutable, models: [ModelFixture.artifact], api: .rest,
                keyStore: .dynamoDB, configuration: nil, database: nil, appName: "magpie"
            ).write(to: output)
        }
        #expect(throws: PackagingError.databaseWithKeyTable) {
            try LambdaPackage(
                executable: LambdaPackageTests.dynamicExecutable, models: [ModelFixture.artifact], api: .http,
                keyStore: .dynamoDB, configuration: nil, database: "keys.sqlite", appName: "magpie"
            ).write(to: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output + "/function.zip"))
    }
}
