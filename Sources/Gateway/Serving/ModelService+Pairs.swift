import ModelRuntime
import Releases

extension ModelService {
    /// Has stable score the texts a canary just answered, after the answer, and reports how
    /// often the two agree: a version trained on noise predicts the usual labels in the usual
    /// proportions, but not the same label for the same text.
    func compareWithStable(
        _ texts: [String], model: String, choice: ReleaseController.Choice, canary: Served, context: InvocationContext
    ) {
        guard let releases, choice.isCanary, choice.version != choice.stable,
            pairing.sampled(percent: releases.policy(of: model).pairedSample)
        else { return }
        let canaryLabels = canary.answer.predictions.map(\.label)
        let stableKey = ModelKey(model, version: choice.stable)
        pairing.submit { [self] in
            guard let stable = try? await run(texts, key: stableKey, context: context),
                stable.answer.predictions.count == canaryLabels.count
            else { return }
            let agreed = zip(stable.answer.predictions, canaryLabels).filter { $0.label == $1 }.count
            releases.recordPairs(model: model, version: choice.version, agreed: agreed, of: canaryLabels.count)
        }
    }
}
