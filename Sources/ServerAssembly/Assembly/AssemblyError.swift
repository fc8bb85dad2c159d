/// Why a configuration cannot be served as it stands: a model folder without artifacts, a
/// remote model that cannot be called, a retraining source that cannot be read. The message
/// names the setting to change.
package struct AssemblyError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
