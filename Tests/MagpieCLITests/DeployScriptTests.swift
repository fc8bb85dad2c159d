import Foundation
import MagpieTestSupport
import Testing

/// scripts/deploy and scripts/decommission, run against stand-ins for the SAM and AWS CLIs
/// that record what they were asked: the calls a user with credentials would make.
@Suite struct DeployScriptTests {
    struct Run {
        var status: Int32
        var standardError: String
        var calls: [String]
    }

    static func run(_ script: String, _ arguments: [String], in workspace: Workspace) throws -> Run {
        let bin = workspace.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let log = workspace.path("calls.log")
        for tool in ["sam", "aws"] {
            let path = bin.appendingPathComponent(tool).path
            try "#!/bin/sh\necho \"\(tool) $*\" >> '\(log)'\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":/usr/bin:/bin"
        let process = try ChildProcess(
            executable: Workspace.repositoryRoot.appendingPathComponent("scripts/\(script)").path, arguments: arguments,
            environment: environment, directory: workspace.directory.path, output: .null, errors: .pipe)
        let errorText = String(decoding: process.errors!.readDataToEndOfFile(), as: UTF8.self)
        let status: Int32 = if case .exited(let code) = process.waitForExit() { code } else { -1 }
        let calls = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        return Run(status: status, standardError: errorText, calls: calls)
    }

    @Test func deployRunsSamDeployWithTheEnvironmentsParametersAndPrintsTheOutputs() throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(
            at: workspace.directory.appendingPathComponent("dist"), withIntermediateDirectories: true)
        try workspace.write("dist/template.yaml", "Resources: {}\n")
        try workspace.write("dist/function.zip", "zip")
        let run = try Self.run(
            "deploy",
            [
                "--environment", "uat", "--bucket", "artifacts", "--profile", "team", "--package", workspace.path("dist"),
                "--rate", "50",
            ],
            in: workspace)
        #expect(run.status == 0, "\(run.standardError)")
        try #require(run.calls.count == 2, "\(run.calls)")
        let deploy = run.calls[0]
        for part in [
            "sam deploy --template-file template.yaml --stack-name magpie-uat --s3-bucket artifacts --s3-prefix magpie-uat",
            "--no-confirm-changeset", "AppName=magpie Environment=uat QuotaLimit=10000 QuotaPeriod=MONTH",
            "ThrottleRateLimit=50 ThrottleBurstLimit=1000", "--tags App=magpie Environment=uat --profile team",
        ] {
            #expect(deploy.contains(part), "\(deploy) lacks \(part)")
        }
        #expect(run.calls[1].hasPrefix("aws cloudformation describe-stacks --stack-name magpie-uat"))
    }

    @Test func deployRefusesABadEnvironmentAMissingBucketOrPackage() throws {
        let workspace = try Workspace()
        let badEnvironment = try Self.run("deploy", ["--environment", "staging", "--bucket", "b"], in: workspace)
        #expect(badEnvironment.status == 2)
        #expect(badEnvironment.standardError.contains("--environment must be dev, uat or prod"))
        let noBucket = try Self.run("deploy", ["--environment", "dev"], in: workspace)
        #expect(noBucket.standardError.contains("--bucket"))
        let noPackage = try Self.run("deploy", ["--environment", "dev", "--bucket", "b", "--package", "nowhere"], in: workspace)
        #expect(noPackage.status == 2)
        #expect(noPackage.standardError.contains("run magpie package lambda --output nowhere first"))
        #expect(noPackage.calls.isEmpty)
    }

    @Test func decommissionDeletesTheStackWaitsAndRemovesTheUploads() throws {
        let workspace = try Workspace()
        let run = try Self.run(
            "decommission", ["--environment", "prod", "--app-name", "tweets", "--bucket", "artifacts", "--region", "eu-west-1"],
            in: workspace)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(
            run.calls == [
                "aws cloudformation delete-stack --stack-name tweets-prod --region eu-west-1",
                "aws cloudformation wait stack-delete-complete --stack-name tweets-prod --region eu-west-1",
                "aws s3 rm s3://artifacts/tweets-prod/ --recursive --region eu-west-1",
            ])
        let unknown = try Self.run("decommission", ["--environment", "prod", "--force"], in: workspace)
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("unknown argument '--force'"))
    }
}
