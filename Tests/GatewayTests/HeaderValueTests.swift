import Gateway
import Testing

/// The small formats the pipeline writes or reads on every request, checked on their own.
@Suite struct HeaderValueTests {
    @Test(arguments: [
        ("application/json", true), ("APPLICATION/JSON", true), ("application/json; charset=utf-8", true),
        (" application/json ;charset=utf-8", true), ("application/problem+json", true), ("application/vnd.api+json", true),
        ("application/+json", false), ("application/jsonx", false), ("text/json", false), ("text/plain", false),
        ("application/x-www-form-urlencoded", false), ("", false), ("json", false), ("application/", false),
    ])
    func recognisesJSONMediaTypes(contentType: String, isJSON: Bool) {
        #expect(RequestBody.isJSON(contentType) == isJSON)
    }

    @Test func formatsMillisecondsWithThreeDecimals() {
        #expect(Envelope.milliseconds(.zero) == "0.000")
        #expect(Envelope.milliseconds(.microseconds(7)) == "0.007")
        #expect(Envelope.milliseconds(.microseconds(1_250)) == "1.250")
        #expect(Envelope.milliseconds(.seconds(2) + .nanoseconds(345_999)) == "2000.345")
        #expect(Envelope.milliseconds(.milliseconds(-3)) == "0.000")
    }

    @Test func generatesDistinctRequestIDsOfOneShape() {
        let first = RequestIDGenerator()
        let second = RequestIDGenerator()
        let ids = (0..<1000).map { _ in first.next() } + (0..<1000).map { _ in second.next() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let parts = id.split(separator: "-")
            #expect(parts.count == 2 && parts.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
            #expect(Envelope.isSafeRequestID(id))
        }
    }
}
