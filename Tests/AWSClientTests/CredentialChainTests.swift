import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import MagpieTestSupport
import NIOCore
import Synchronization
import Testing

struct CredentialChainTests {
    @Test func environmentKeysAndToken() async throws {
        let provider = EnvironmentCredentials(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        #expect(
            try await provider.credentials()
                == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: "token"))
        #expect(try await EnvironmentCredentials(environment: [:]).credentials() == nil)
        await #expect(throws: AWSClientError.self) {
            try await EnvironmentCredentials(environment: ["AWS_ACCESS_KEY_ID": "AKID"]).credentials()
        }
    }

    @Test func profileFromSharedFiles() async throws {
        let folder = try TemporaryFolder()
        let credentials = try folder.write(
            "credentials",
            """
            [default]
            aws_access_key_id = DEFAULTID
            aws_secret_access_key = defaultsecret

            # a comment
            [work]
            aws_access_key_id=WORKID
            aws_secret_access_key = worksecret ; trailing comment
            aws_session_token = worktoken
            """)
        let config = try folder.write(
            "config",
            """
            [default]
            region = eu-west-1
            [profile work]
            region = ap-south-1
            endpoint_url = http://127.0.0.1:4566
            s3 =
              addressing_style = path
            """)
        let base = ["AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_CONFIG_FILE": config]
        let defaultFiles = try AWSConfigFiles(environment: base)
        #expect(try await ProfileCredentials(files: defaultFiles).credentials()?.accessKeyID == "DEFAULTID")
        #expect(try AWSConfiguration(environment: base).region == "eu-west-1")

        var work = base
        work["AWS_PROFILE"] = "work"
        let workCredentials = try await ProfileCredentials(files: try AWSConfigFiles(environment: work)).credentials()
        #expect(
            workCredentials == AWSCredentials(accessKeyID: "WORKID", secretAccessKey: "worksecret", sessionToken: "worktoken"))
        let configuration = try AWSConfiguration(environment: work)
        #expect(configuration.region == "ap-south-1")
        #expect(try configuration.endpoint(for: .sageMakerRuntime, region: "ap-south-1") == "http://127.0.0.1:4566")

        var missing = base
        missing["AWS_PROFILE"] = "nope"
        await #expect(throws: AWSClientError.self) {
            try await ProfileCredentials(files: try AWSConfigFiles(environment: missing)).credentials()
        }
    }

    @Test func regionAndEndpointPrecedence() throws {
        let environment = [
            "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-central-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": "http://127.0.0.1:6000/",
            "HOME": "/nonexistent",
        ]
        let configuration = try AWSConfiguration(environment: environment)
        #expect(configuration.region == "us-west-2")
        #expect(try configuration.endpoint(for: .sageMakerRuntime, region: "us-west-2") == "http://127.0.0.1:6000")
        #expect(try configuration.endpoint(for: .dynamoDB, region: "us-west-2") == "http://127.0.0.1:5000")
        var ignoring = environment
        ignoring["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        #expect(
            try AWSConfiguration(environment: ignoring).endpoint(for: .sageMakerRuntime, region: "us-west-2")
                == "https://runtime.sagemaker.us-west-2.amazonaws.com")
        #expect(
            try AWSConfiguration(environment: ["HOME": "/nonexistent"]).endpoint(for: .s3, region: "cn-north-1")
                == "https://s3.cn-north-1.amazonaws.com.cn")
        #expect(try AWSConfiguration(environment: ["AWS_DEFAULT_REGION": "eu-central-1", "HOME": "/x"]).region == "eu-central-1")
        #expect(throws: AWSClientError.self) {
            try AWSConfiguration(environment: ["AWS_ENDPOINT_URL": "localhost:5000", "HOME": "/x"])
                .endpoint(for: .s3, region: "us-east-1")
        }
        #expect(AWSService.sageMakerRuntime.endpointVariable == "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME")
    }

    @Test func containerEndpointWithAuthorizationTokenFile() async throws {
        let seenAuthorization = Mutex<String?>(nil)
        let router = Router()
        router.get("/creds") { request, _ -> Response in
            seenAuthorization.withLock { $0 = request.headers[.authorization] }
            return Self.credentialsDocument(id: "CONTAINERID", expiresIn: 3600)
        }
        let (port, task) = await LoopbackServer.start(router)
        defer { task.cancel() }
        let folder = try TemporaryFolder()
        let tokenFile = try folder.write("token", "Bearer abc\n")
        let provider = ContainerCredentials(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/creds",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
            ], timeout: .seconds(30))
        let credentials = try #require(try await provider.credentials())
        #expect(credentials.accessKeyID == "CONTAINERID")
        #expect(credentials.sessionToken == "token-CONTAINERID")
        #expect(credentials.expiration != nil)
        #expect(seenAuthorization.withLock { $0 } == "Bearer abc")

        let remote = ContainerCredentials(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"])
        await #expect(throws: AWSClientError.self) { try await remote.credentials() }
    }

    @Test func instanceMetadataVersion2() async throws {
        let router = Router()
        router.put("/latest/api/token") { request, _ -> Response in
            guard request.headers[HTTPField.Name("X-aws-ec2-metadata-token-ttl-seconds")!] == "21600" else {
                return Response(status: .badRequest)
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "session-token")))
        }
        router.get("/latest/meta-data/iam/security-credentials/") { request, _ -> Response in
            guard request.headers[HTTPField.Name("X-aws-ec2-metadata-token")!] == "session-token" else {
                return Response(status: .unauthorized)
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "magpie-role\n")))
        }
        router.get("/latest/meta-data/iam/security-credentials/magpie-role") { request, _ -> Response in
            guard request.headers[HTTPField.Name("X-aws-ec2-metadata-token")!] == "session-token" else {
                return Response(status: .unauthorized)
            }
            return Self.credentialsDocument(id: "INSTANCEID", expiresIn: 3600)
        }
        let (port, task) = await LoopbackServer.start(router)
        defer { task.cancel() }
        let provider = InstanceMetadataCredentials(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)"], timeout: .seconds(30))
        #expect(try await provider.credentials()?.accessKeyID == "INSTANCEID")
        #expect(try await InstanceMetadataCredentials(environment: ["AWS_EC2_METADATA_DISABLED": "true"]).credentials() == nil)
    }

    /// Credentials close to expiry are fetched again, once for many concurrent callers; a
    /// failed refresh keeps serving the old ones while they are valid.
    @Test func refreshesBeforeExpiry() async throws {
        let provider = CountingProvider()
        let chain = CredentialChain(providers: [provider], refreshMargin: .seconds(300))
        let first = try await chain.credentials()
        #expect(first.accessKeyID == "KEY1")
        #expect(try await chain.credentials().accessKeyID == "KEY1")
        #expect(provider.calls == 1)
        let later = Date().addingTimeInterval(3600 - 200)
        async let a = chain.credentials(now: later)
        async let b = chain.credentials(now: later)
        let refreshed = try await [a, b]
        #expect(refreshed.map(\.accessKeyID) == ["KEY2", "KEY2"])
        #expect(provider.calls == 2)
        provider.failing.withLock { $0 = true }
        let stillValid = try await chain.credentials(now: Date().addingTimeInterval(3600 - 100))
        #expect(stillValid.accessKeyID == "KEY2")
    }

    @Test func emptyChainNamesWhereItLooked() async throws {
        let chain = try CredentialChain.standard(environment: ["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"])
        let error = await #expect(throws: AWSClientError.self) { try await chain.credentials() }
        #expect("\(String(describing: error))".contains("instance metadata"))
    }

    static func credentialsDocument(id: String, expiresIn seconds: TimeInterval) -> Response {
        let formatter = ISO8601DateFormatter()
        let body = """
            {"Code": "Success", "AccessKeyId": "\(id)", "SecretAccessKey": "secret-\(id)", "Token": "token-\(id)", \
            "Expiration": "\(formatter.string(from: Date().addingTimeInterval(seconds)))"}
            """
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Hands out KEY1, KEY2, … each valid for an hour, counting calls; fails when told to.
final class CountingProvider: CredentialProvider {
    let count = Mutex(0)
    let failing = Mutex(false)
    var name: String { "counting" }
    var calls: Int { count.withLock { $0 } }

    func credentials() async throws(AWSClientError) -> AWSCredentials? {
        if failing.withLock({ $0 }) { throw .credentials("down") }
        try? await Task.sleep(for: .milliseconds(20))
        let number = count.withLock { value in
            value += 1
            return value
        }
        return AWSCredentials(
            accessKeyID: "KEY\(number)", secretAccessKey: "s", sessionToken: "t", expiration: Date().addingTimeInterval(3600))
    }
}

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
