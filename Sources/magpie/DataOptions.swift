import ArgumentParser

/// The options every command that reads a labelled file shares.
struct DataOptions: ParsableArguments {
    @Option(help: "A CSV file (header row, RFC 4180) or JSON Lines file (.jsonl, .ndjson).")
    var data: String

    @Option(help: "The column holding the text.")
    var textColumn: String

    @Option(help: "The column holding the label.")
    var labelColumn: String

    @Flag(help: "Skip rows with an empty text or label (counted in the report) instead of failing on the first.")
    var skipInvalidRows = false
}
