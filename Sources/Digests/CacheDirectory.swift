import Foundation

/// Where Magpie keeps what it can recompute: remembered file digests, packed weights.
/// Deleting it costs only time.
public enum CacheDirectory {
    /// `MAGPIE_CACHE_DIR`, else `$XDG_CACHE_HOME/magpie`, else `~/.cache/magpie`; nil without
    /// a home.
    public static let base = base(ProcessInfo.processInfo.environment)

    static func base(_ environment: [String: String]) -> URL? {
        if let chosen = environment["MAGPIE_CACHE_DIR"], !chosen.isEmpty { return URL(fileURLWithPath: chosen) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg + "/magpie") }
        if let home = environment["HOME"], !home.isEmpty { return URL(fileURLWithPath: home + "/.cache/magpie") }
        return nil
    }
}
