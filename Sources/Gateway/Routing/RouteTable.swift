import HTTPTypes

/// The one router: paths with `{name}` segments, the methods each answers, and what a match
/// means (`Target`: the API's `Endpoint`, the console's own). Paths under `/v1/` also answer
/// OPTIONS (CORS preflight), and GET paths HEAD.
package struct RouteTable<Target: Sendable>: Sendable {
    package struct Route: Sendable {
        package let path: String
        package let methods: [HTTPRequest.Method]
        let target: @Sendable ([String]) -> Target
        private let segments: [String]

        package init(_ path: String, _ methods: [HTTPRequest.Method], target: @escaping @Sendable ([String]) -> Target) {
            self.path = path
            self.methods = methods
            self.target = target
            self.segments = path.split(separator: "/").map(String.init)
        }

        var isVersioned: Bool { segments.first == "v1" }

        /// The path's parameters, in order, for use in descriptions.
        package var parameters: [String] {
            segments.filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
        }

        /// The methods named in `Allow`, OPTIONS included where preflight is answered.
        package var allowed: [HTTPRequest.Method] { isVersioned ? methods + [.options] : methods }

        /// The parameters' values when `path` has this route's shape.
        package func captures(_ path: [Substring]) -> [String]? {
            guard path.count == segments.count else { return nil }
            var values: [String] = []
            for (pattern, segment) in zip(segments, path) {
                if pattern.hasPrefix("{") {
                    values.append(String(segment))
                } else if pattern != segment {
                    return nil
                }
            }
            return values
        }

        /// The target a route of this shape gives for placeholder values, for descriptions.
        package var describedTarget: Target { target(parameters.map { "{\($0)}" }) }
    }

    /// Why a request matched no route.
    package enum Failure: Error, Equatable {
        case notFound
        case methodNotAllowed(allowed: [HTTPRequest.Method])
    }

    package let routes: [Route]
    /// What an OPTIONS request on a versioned path is answered with.
    let preflight: Target?

    package init(_ routes: [Route], preflight: Target? = nil) {
        self.routes = routes
        self.preflight = preflight
    }

    package static func + (table: RouteTable, more: [Route]) -> RouteTable {
        RouteTable(table.routes + more, preflight: table.preflight)
    }

    /// The target of the route `path` has the shape of, if `method` is one it answers.
    package func match(method: HTTPRequest.Method, path: some StringProtocol) throws(Failure) -> Target {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { Substring($0) }
        for route in routes {
            guard let values = route.captures(segments) else { continue }
            if method == .options, route.isVersioned, let preflight { return preflight }
            let allowed = route.allowed
            guard allowed.contains(method) || (method == .head && allowed.contains(.get)) else {
                throw .methodNotAllowed(allowed: allowed)
            }
            return route.target(values)
        }
        throw .notFound
    }
}
