import JSONValues

/// An error answer from an AWS service (or anything speaking its JSON protocols), with the
/// code read the way the SDKs read it: the `x-amzn-ErrorType` header, else the body's
/// `__type` or `code`, each stripped of namespaces and suffixes.
public struct AWSServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var statusCode: Int
    /// E.g. `ThrottlingException`, `ModelError`; empty when the answer carried none.
    public var code: String
    public var message: String
    /// What the body carried beyond code and message (SageMaker's `OriginalMessage` for a
    /// `ModelError`, for example), as strings.
    public var details: [String: String]
    public var requestID: String?
    /// The answer's body as it came, for protocols whose errors carry structured data
    /// (DynamoDB's `Item` when a condition failed).
    public var body: [UInt8]

    public init(
        statusCode: Int, code: String, message: String, details: [String: String] = [:], requestID: String? = nil,
        body: [UInt8] = []
    ) {
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.details = details
        self.requestID = requestID
        self.body = body
    }

    public var description: String {
        "\(code.isEmpty ? "HTTP \(statusCode)" : "\(code) (HTTP \(statusCode))"): \(message.isEmpty ? "no message" : message)"
            + (requestID.map { " [request \($0)]" } ?? "")
    }

    /// Parses an error answer; never fails, since any answer is an error worth reporting.
    public init(statusCode: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }
        var code = header("x-amzn-errortype").map(Self.cleanCode) ?? ""
        var message = ""
        var details: [String: String] = [:]
        if case .object(let object)? = try? JSONParser.parse(body) {
            for (key, value) in object {
                switch value {
                case .string(let text): details[key] = text
                case .number(let number): details[key] = Self.format(number)
                case .bool(let flag): details[key] = String(flag)
                default: continue
                }
            }
            if code.isEmpty { code = (details["__type"] ?? details["code"] ?? details["Code"]).map(Self.cleanCode) ?? "" }
            message = details["message"] ?? details["Message"] ?? details["errorMessage"] ?? ""
            for key in ["__type", "code", "Code", "message", "Message", "errorMessage"] { details[key] = nil }
        } else if let text = String(validating: body, as: UTF8.self) {
            if code.isEmpty, let xmlCode = Self.xmlElement("Code", in: text) { code = xmlCode }
            message = Self.xmlElement("Message", in: text) ?? String(text.prefix(500))
        }
        self.init(
            statusCode: statusCode, code: code, message: message, details: details,
            requestID: header("x-amzn-requestid") ?? header("x-amz-request-id"), body: body)
    }

    /// `aws.protocoltests#ThrottlingException:http://internal.amazon.com/` → `ThrottlingException`.
    static func cleanCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.trimmingCharacters(in: .whitespaces)
    }

    private static func xmlElement(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
