import Gateway
import HTTPTypes

/// The console's static files, compiled into the binary (SwiftPM's `embedInCode`): one HTML
/// shell, one stylesheet, one script. The shell holds no data; a visitor without a session
/// gets only the sign-in form, and every figure comes from `/console/api/` after sign-in.
enum ConsolePage {
    static let index = file(PackageResources.console_html, type: "text/html; charset=utf-8")

    static func asset(named name: String) -> GatewayResponse? {
        switch name {
        case "console.js": file(PackageResources.console_js, type: "text/javascript; charset=utf-8")
        case "console.css": file(PackageResources.console_css, type: "text/css; charset=utf-8")
        default: nil
        }
    }

    private static func file(_ bytes: [UInt8], type: String) -> GatewayResponse {
        GatewayResponse(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: bytes)
    }
}
