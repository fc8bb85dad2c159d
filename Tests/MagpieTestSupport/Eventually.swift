/// Waits for something another process does on its own schedule (a session's re-check, a
/// certificate reload, an idle model's unload): checks `condition` every `interval` until it
/// holds or `limit` passes, and returns whether it held. The limit is far on purpose: on a
/// busy machine the event comes late, and a test should fail only when it never comes.
/// In-process code takes an injected clock instead, and its tests advance time.
public func eventually(
    within limit: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    while true {
        if try await condition() { return true }
        guard clock.now < deadline else { return false }
        try? await clock.sleep(for: interval)
    }
}
