import JSONValues
import NIOCore

/// The bodies requests carry, in turn: one fixed body, or one per line of a texts file, each
/// text JSON-escaped into the template's `$TEXT`, so a run can replay real traffic.
public struct RequestBodies: Sendable {
    public static let placeholder = "$TEXT"

    let bodies: [ByteBuffer]

    public var count: Int { bodies.count }

    /// A fixed body, sent as it is.
    public init(fixed body: String) {
        bodies = [ByteBuffer(string: body)]
    }

    /// One body per non-empty line of `texts`. The template must hold `$TEXT` and be JSON once
    /// a text is put in; each text goes in JSON-escaped, without quotes (the template has them).
    public init(template: String, texts: [String], file: String) throws(BenchError) {
        guard template.contains(Self.placeholder) else {
            throw .invalidTemplate(template, "it has no \(Self.placeholder) to put each text in")
        }
        let lines = texts.filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw .emptyTexts(file) }
        var bodies: [ByteBuffer] = []
        bodies.reserveCapacity(lines.count)
        for line in lines {
            let body = template.replacingOccurrences(of: Self.placeholder, with: JSONStringEscaping.escaped(line))
            if bodies.isEmpty {
                do { _ = try JSONParser.parse(Array(body.utf8)) } catch {
                    throw .invalidTemplate(template, "with a text in it, it is not JSON (\(error.reason))")
                }
            }
            bodies.append(ByteBuffer(string: body))
        }
        self.bodies = bodies
    }

    func body(for request: Int) -> ByteBuffer { bodies[request % bodies.count] }
}
