import AWSClient
import Foundation
import MagpieTestSupport
import Testing

/// Every case of the AWS Signature Version 4 test suite (`Tests/TestVectors/sigv4`), in header
/// and query form, step by step: canonical request, string to sign, signature, signed request.
struct SigningTestSuiteTests {
    static let caseNames: [String] = {
        let root = ReferenceFiles.testVectors.appendingPathComponent("sigv4")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/request.txt").path) }
            .sorted()
    }()

    @Test func suiteIsPresent() {
        #expect(Self.caseNames.count == 38)
    }

    @Test(arguments: caseNames) func headerSignature(_ name: String) throws {
        let testCase = try SigningCase(name)
        var request = testCase.request
        let steps = testCase.signer.sign(
            &request, credentials: testCase.credentials, date: testCase.date, signsBody: testCase.signsBody,
            omitsSessionToken: testCase.omitsSessionToken)
        #expect(steps.canonicalRequest == (try testCase.file("header-canonical-request.txt")))
        #expect(steps.stringToSign == (try testCase.file("header-string-to-sign.txt")))
        #expect(steps.signature == (try testCase.file("header-signature.txt")))
        let expected = try SigningCase.parseRequest(try testCase.file("header-signed-request.txt"))
        #expect(request.method == expected.method)
        #expect(request.target == expected.target)
        #expect(Self.sortedHeaders(request) == Self.sortedHeaders(expected))
        #expect(request.body == expected.body)
    }

    @Test(arguments: caseNames) func querySignature(_ name: String) throws {
        let testCase = try SigningCase(name)
        var request = testCase.request
        let steps = testCase.signer.presign(
            &request, credentials: testCase.credentials, date: testCase.date, expires: testCase.expires,
            omitsSessionToken: testCase.omitsSessionToken)
        #expect(steps.canonicalRequest == (try testCase.file("query-canonical-request.txt")))
        #expect(steps.stringToSign == (try testCase.file("query-string-to-sign.txt")))
        #expect(steps.signature == (try testCase.file("query-signature.txt")))
        let expected = try SigningCase.parseRequest(try testCase.file("query-signed-request.txt"))
        #expect(request.target == expected.target)
        #expect(Self.sortedHeaders(request) == Self.sortedHeaders(expected))
    }

    /// Fields compared by lowercased name and value: their order across names carries no
    /// meaning in HTTP, and the suite itself is not consistent about it.
    static func sortedHeaders(_ request: SignableRequest) -> [String] {
        request.headers.map { "\($0.name.lowercased()):\($0.value)" }.sorted()
    }

    @Test func signingTimeFormatsUTC() {
        let time = SigningTime(Date(timeIntervalSince1970: 1_440_938_160))
        #expect(time.timestamp == "20150830T123600Z")
        #expect(time.dateStamp == "20150830")
        #expect(SigningTime(Date(timeIntervalSince1970: 951_782_399)).timestamp == "20000228T235959Z")
        #expect(SigningTime(Date(timeIntervalSince1970: 951_868_800)).dateStamp == "20000301")
    }

    @Test func s3SignsThePathAsItIs() {
        let s3 = SigV4Signer(region: "us-east-1", service: "s3")
        let other = SigV4Signer(region: "us-east-1", service: "sagemaker")
        #expect(s3.canonicalPath("/bucket/a%20b/../c") == "/bucket/a%20b/../c")
        #expect(other.canonicalPath("/bucket/a%20b/../c") == "/bucket/c")
        #expect(other.canonicalPath("/endpoints/a%20b/invocations") == "/endpoints/a%2520b/invocations")
    }
}

/// One folder of the suite.
struct SigningCase {
    let folder: URL
    let request: SignableRequest
    let credentials: AWSCredentials
    let signer: SigV4Signer
    let date: Date
    let expires: Int
    let signsBody: Bool
    let omitsSessionToken: Bool

    init(_ name: String) throws {
        folder = try ReferenceFiles.testVector("sigv4/\(name)")
        let context = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("context.json")))
        let object = try #require(context as? [String: Any])
        let keys = try #require(object["credentials"] as? [String: String])
        credentials = AWSCredentials(
            accessKeyID: try #require(keys["access_key_id"]), secretAccessKey: try #require(keys["secret_access_key"]),
            sessionToken: keys["token"])
        signer = SigV4Signer(
            region: try #require(object["region"] as? String), service: try #require(object["service"] as? String),
            pathEncoding: .doubleEncoded, normalizesPath: try #require(object["normalize"] as? Bool))
        let timestamp = try #require(object["timestamp"] as? String)
        date = try #require(ISO8601DateFormatter().date(from: timestamp))
        expires = try #require(object["expiration_in_seconds"] as? Int)
        signsBody = try #require(object["sign_body"] as? Bool)
        omitsSessionToken = object["omit_session_token"] as? Bool ?? false
        request = try Self.parseRequest(
            String(decoding: try Data(contentsOf: folder.appendingPathComponent("request.txt")), as: UTF8.self))
    }

    func file(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
    }

    /// The suite's request files: a request line, header lines (a line starting with white
    /// space continues the one before), a blank line, the body.
    static func parseRequest(_ text: String) throws -> SignableRequest {
        let parts = text.components(separatedBy: "\n\n")
        var lines = parts[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let requestLine = lines.removeFirst()
        guard requestLine.hasSuffix(" HTTP/1.1"), let space = requestLine.firstIndex(of: " ") else {
            throw HelperProcess.Failed(description: "bad request line: \(requestLine)")
        }
        let method = String(requestLine[..<space])
        let target = String(requestLine[requestLine.index(after: space)...].dropLast(" HTTP/1.1".count))
        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let body = parts.count > 1 ? Array(parts[1...].joined(separator: "\n\n").utf8) : []
        return SignableRequest(
            method: method, path: String(pathAndQuery[0]), query: pathAndQuery.count > 1 ? String(pathAndQuery[1]) : "",
            headers: headers, body: body)
    }
}
