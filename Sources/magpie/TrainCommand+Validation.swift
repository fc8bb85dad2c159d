import ArgumentParser

/// The combinations of options `train` refuses before reading any data, each with what to
/// change.
extension TrainCommand {
    func validate() throws {
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2 (got \(folds))") }
        if let holdout, !(holdout > 0 && holdout < 1) {
            throw ValidationError("--holdout must be a fraction between 0 and 1, exclusive (got \(holdout))")
        }
        if inverseRegularization <= 0 { throw ValidationError("--inverse-regularization must be positive") }
        if let minDocumentFrequency, minDocumentFrequency < 1 {
            throw ValidationError("--min-document-frequency must be at least 1")
        }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if fineTune {
            guard encoder != nil else { throw ValidationError("--fine-tune trains an encoder: give it with --encoder DIR") }
            if folds != nil || holdout != nil {
                throw ValidationError("--fine-tune validates on its own split: use --validation, not --folds or --holdout")
            }
            if !(0..<1).contains(validation) {
                throw ValidationError("--validation must be a fraction in [0, 1) (got \(validation))")
            }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
            if ensemble, validation == 0 {
                throw ValidationError("--ensemble weighs its members on the validation split: --validation must be above 0")
            }
        } else if resume {
            throw ValidationError("--resume continues a --fine-tune run")
        } else if ensemble {
            throw ValidationError("--ensemble combines a fine-tuned encoder with an n-gram model: add --fine-tune")
        }
        if encoder != nil {
            if algorithm != .logisticRegression {
                throw ValidationError(
                    "--encoder trains logistic regression; --algorithm \(algorithm.rawValue) needs n-gram counts")
            }
            if !ensemble, wordNgrams != nil || charNgrams != nil || minDocumentFrequency != nil {
                throw ValidationError(
                    "--word-ngrams, --char-ngrams and --min-document-frequency choose n-gram features; with --encoder the features are embeddings"
                )
            }
        }
        _ = try features()
    }
}
