import Foundation
import Gateway

/// libFuzzer's entry: any bytes as a Lambda invocation's event. An event that reads becomes a
/// request, and the request's headers and body echoed as a response encode to a JSON document
/// in the event's format, whatever bytes they hold.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAPIGatewayEvents(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let event = try? APIGatewayAdapter.event(from: bytes),
        let request = try? APIGatewayAdapter.request(from: event)
    else { return 0 }
    let echo = GatewayResponse(status: .ok, headers: request.headers, body: request.body ?? [])
    let encoded = APIGatewayAdapter.response(echo, format: event.format)
    let document = try? JSONSerialization.jsonObject(with: Data(encoded)) as? [String: Any]
    precondition(
        document?["statusCode"] as? Int == 200, "the response did not encode: \(String(decoding: encoded, as: UTF8.self))")
    return 0
}
