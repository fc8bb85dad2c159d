import CKernels

/// Layer normalization over each row, with PyTorch's biased variance and a configured epsilon
/// (1e-12 for BERT: a wrong epsilon shows in the embeddings' fifth decimal).
package struct LayerNorm: Sendable {
    let gain: Tensor
    let bias: Tensor
    let epsilon: Float

    init(_ file: SafetensorsFile, _ name: String, size: Int, epsilon: Float) throws(EncoderError) {
        gain = try file.tensor(name + ".weight", shape: [size])
        bias = try file.tensor(name + ".bias", shape: [size])
        self.epsilon = epsilon
    }

    package init(gain: Tensor, bias: Tensor, epsilon: Float) {
        (self.gain, self.bias, self.epsilon) = (gain, bias, epsilon)
    }

    /// In place; in `CKernels` unless the path is portable (Swift's loops here compile to
    /// scalar code: 3% of a 128-token pass).
    package func apply(_ values: UnsafeMutablePointer<Float>, rows: Int, path: KernelPath = .current) {
        let size = gain.count
        if path != .portable {
            return magpie_layer_norm_rows_avx2(values, rows, size, gain.pointer, bias.pointer, epsilon)
        }
        for row in 0..<rows {
            let x = values + row * size
            var sum: Float = 0
            for index in 0..<size { sum += x[index] }
            let mean = sum / Float(size)
            var squares: Float = 0
            for index in 0..<size {
                let centered = x[index] - mean
                squares += centered * centered
            }
            let scale = 1 / (squares / Float(size) + epsilon).squareRoot()
            for index in 0..<size { x[index] = (x[index] - mean) * scale * gain.pointer[index] + bias.pointer[index] }
        }
    }
}
