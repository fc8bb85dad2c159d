import Classifiers

extension EnsembleClassifier {
    /// Each member explains the same label on its own; the ensemble's tokens are an encoder
    /// member's words (the n-gram member's when there is none), each given the weighted sum
    /// of every member's shares of the text it covers. A member's token that spans several
    /// words is split over them by the scalars they share. The logit and bias are the
    /// members' weighted too, so tokens and bias still add up to the logit, up to the
    /// encoders' completeness errors and the shares of tokens no word covers.
    public func explain(_ text: String, labelIndex: Int?) async throws -> Explanation {
        let label = try labelIndex ?? classify([text])[0].prediction.labelIndex
        var explained: [Explanation.Member] = []
        for member in members {
            let explanation = try await member.model.classifier.explain(text, labelIndex: member.outputIndex[label])
            explained.append(Explanation.Member(name: member.name, weight: member.weight, explanation: explanation))
        }
        let base =
            explained.first { member in
                if case .integratedGradients = member.explanation.method { return true }
                return false
            } ?? explained[0]
        let tokens = base.explanation.tokens.map { word in
            guard let source = word.source else {
                return Explanation.Token(text: word.text, source: nil, score: base.weight * word.score)
            }
            let score = explained.reduce(0.0) { sum, member in
                sum + member.weight * Self.share(of: member.explanation.tokens, in: source)
            }
            return Explanation.Token(text: word.text, source: source, score: score)
        }
        var explanation = Explanation(
            labelIndex: label, logit: explained.reduce(0) { $0 + $1.weight * $1.explanation.logit },
            bias: explained.reduce(0) { $0 + $1.weight * $1.explanation.bias }, tokens: tokens)
        explanation.method = .weightedMembers
        explanation.coversWholeText = explained.allSatisfy(\.explanation.coversWholeText)
        explanation.members = explained
        return explanation
    }

    /// The part of `tokens`' scores that falls inside `range`, each token's in proportion to
    /// the scalars of it inside.
    static func share(of tokens: [Explanation.Token], in range: Range<Int>) -> Double {
        tokens.reduce(0) { sum, token in
            guard let source = token.source, !source.isEmpty, source.overlaps(range) else { return sum }
            let inside = source.clamped(to: range).count
            return sum + token.score * Double(inside) / Double(source.count)
        }
    }
}
