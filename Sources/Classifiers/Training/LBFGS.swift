/// Limited-memory BFGS with a backtracking Armijo line search, for smooth convex objectives
/// such as L2-regularized logistic regression.
///
/// The history lives in preallocated buffers and the vector kernels run on raw pointers: with
/// a few hundred thousand parameters, the optimizer's own bookkeeping would otherwise cost as
/// much as an objective evaluation.
struct LBFGS {
    var historySize = 10
    var maximumIterations = 1000
    /// Stops when the largest gradient component is below this.
    var gradientTolerance = 1e-5
    /// Stops when an iteration lowers the objective by less than this fraction of it.
    var relativeDecreaseTolerance = 1e-9

    struct Result {
        var point: [Double]
        var value: Double
        var iterations: Int
        var evaluations: Int
        var converged: Bool
    }

    /// Minimizes `objective`, which returns the value at a point and writes the gradient.
    func minimize(
        from start: [Double],
        objective: (_ point: [Double], _ gradient: inout [Double]) -> Double,
        progress: (_ iteration: Int, _ value: Double) -> Void = { _, _ in }
    ) -> Result {
        let dimension = start.count
        var point = start
        var gradient = [Double](repeating: 0, count: dimension)
        var value = objective(point, &gradient)
        var evaluations = 1
        let history = History(capacity: historySize, dimension: dimension)
        defer { history.deallocate() }
        var direction = [Double](repeating: 0, count: dimension)
        var trialPoint = [Double](repeating: 0, count: dimension)
        var trialGradient = [Double](repeating: 0, count: dimension)

        for iteration in 1...maximumIterations {
            if Vector.maxMagnitude(gradient) < gradientTolerance {
                return Result(point: point, value: value, iterations: iteration - 1, evaluations: evaluations, converged: true)
            }
            history.searchDirection(gradient: gradient, into: &direction)
            var slope = Vector.dot(gradient, direction)
            if slope >= 0 {
                Vector.negate(gradient, into: &direction)
                slope = Vector.dot(gradient, direction)
                history.clear()
            }
            var stepLength = 1.0
            var trialValue = 0.0
            var accepted = false
            for _ in 0..<40 {
                Vector.step(from: point, along: direction, by: stepLength, into: &trialPoint)
                trialValue = objective(trialPoint, &trialGradient)
                evaluations += 1
                if trialValue <= value + 1e-4 * stepLength * slope {
                    accepted = true
                    break
                }
                stepLength *= 0.5
            }
            guard accepted else {
                return Result(point: point, value: value, iterations: iteration, evaluations: evaluations, converged: false)
            }
            history.record(from: point, to: trialPoint, gradient: gradient, newGradient: trialGradient)
            let decrease = value - trialValue
            swap(&point, &trialPoint)
            swap(&gradient, &trialGradient)
            value = trialValue
            progress(iteration, value)
            if decrease <= relativeDecreaseTolerance * max(1, abs(value)) {
                return Result(point: point, value: value, iterations: iteration, evaluations: evaluations, converged: true)
            }
        }
        return Result(point: point, value: value, iterations: maximumIterations, evaluations: evaluations, converged: false)
    }
}

/// The last few steps `s = x' - x` and gradient changes `y = g' - g`, in a ring.
private final class History {
    let capacity: Int
    let dimension: Int
    let steps: UnsafeMutablePointer<Double>
    let changes: UnsafeMutablePointer<Double>
    var inverseCurvatures: [Double]
    var alphas: [Double]
    var count = 0
    var newest = -1

    init(capacity: Int, dimension: Int) {
        self.capacity = capacity
        self.dimension = dimension
        steps = .allocate(capacity: capacity * dimension)
        changes = .allocate(capacity: capacity * dimension)
        inverseCurvatures = [Double](repeating: 0, count: capacity)
        alphas = [Double](repeating: 0, count: capacity)
    }

    func deallocate() {
        steps.deallocate()
        changes.deallocate()
    }

    func clear() {
        count = 0
        newest = -1
    }

    func step(_ slot: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(start: steps + slot * dimension, count: dimension)
    }

    func change(_ slot: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(start: changes + slot * dimension, count: dimension)
    }

    func record(from point: [Double], to newPoint: [Double], gradient: [Double], newGradient: [Double]) {
        let slot = (newest + 1) % capacity
        let step = step(slot)
        let change = change(slot)
        point.withUnsafeBufferPointer { point in
            newPoint.withUnsafeBufferPointer { newPoint in
                for index in 0..<dimension { step[index] = newPoint[index] - point[index] }
            }
        }
        gradient.withUnsafeBufferPointer { gradient in
            newGradient.withUnsafeBufferPointer { newGradient in
                for index in 0..<dimension { change[index] = newGradient[index] - gradient[index] }
            }
        }
        let curvature = Vector.dot(UnsafeBufferPointer(step), UnsafeBufferPointer(change))
        guard curvature > 1e-12 else { return }
        newest = slot
        count = min(count + 1, capacity)
        inverseCurvatures[slot] = 1 / curvature
    }

    /// The two-loop recursion: `direction = -H · gradient`.
    func searchDirection(gradient: [Double], into direction: inout [Double]) {
        Vector.negate(gradient, into: &direction)
        guard count > 0 else {
            let scale = 1 / max(1e-12, Vector.dot(gradient, gradient).squareRoot())
            Vector.scale(&direction, by: scale)
            return
        }
        let order = (0..<count).map { (newest - $0 + capacity) % capacity }
        direction.withUnsafeMutableBufferPointer { direction in
            for slot in order {
                alphas[slot] =
                    inverseCurvatures[slot] * Vector.dot(UnsafeBufferPointer(step(slot)), UnsafeBufferPointer(direction))
                Vector.add(-alphas[slot], UnsafeBufferPointer(change(slot)), to: direction)
            }
            let latest = UnsafeBufferPointer(change(newest))
            let scale = 1 / (inverseCurvatures[newest] * Vector.dot(latest, latest))
            for index in 0..<dimension { direction[index] *= scale }
            for slot in order.reversed() {
                let beta = inverseCurvatures[slot] * Vector.dot(UnsafeBufferPointer(change(slot)), UnsafeBufferPointer(direction))
                Vector.add(alphas[slot] - beta, UnsafeBufferPointer(step(slot)), to: direction)
            }
        }
    }
}

/// Dense vector kernels on raw buffers.
private enum Vector {
    static func dot(_ left: UnsafeBufferPointer<Double>, _ right: UnsafeBufferPointer<Double>) -> Double {
        var sums = SIMD4<Double>.zero
        let count = left.count
        var index = 0
        let leftBase = UnsafeRawPointer(left.baseAddress)
        let rightBase = UnsafeRawPointer(right.baseAddress)
        while index + 4 <= count {
            let leftLanes = leftBase!.loadUnaligned(fromByteOffset: index * 8, as: SIMD4<Double>.self)
            let rightLanes = rightBase!.loadUnaligned(fromByteOffset: index * 8, as: SIMD4<Double>.self)
            sums += leftLanes * rightLanes
            index += 4
        }
        var total = sums.sum()
        while index < count {
            total += left[index] * right[index]
            index += 1
        }
        return total
    }

    static func dot(_ left: [Double], _ right: [Double]) -> Double {
        left.withUnsafeBufferPointer { left in right.withUnsafeBufferPointer { right in dot(left, right) } }
    }

    static func dot(_ left: UnsafeBufferPointer<Double>, _ right: UnsafeMutableBufferPointer<Double>) -> Double {
        dot(left, UnsafeBufferPointer(right))
    }

    static func add(_ factor: Double, _ vector: UnsafeBufferPointer<Double>, to target: UnsafeMutableBufferPointer<Double>) {
        for index in 0..<vector.count { target[index] += factor * vector[index] }
    }

    static func negate(_ source: [Double], into target: inout [Double]) {
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                for index in 0..<source.count { target[index] = -source[index] }
            }
        }
    }

    static func scale(_ vector: inout [Double], by factor: Double) {
        vector.withUnsafeMutableBufferPointer { vector in
            for index in 0..<vector.count { vector[index] *= factor }
        }
    }

    static func step(from point: [Double], along direction: [Double], by length: Double, into target: inout [Double]) {
        point.withUnsafeBufferPointer { point in
            direction.withUnsafeBufferPointer { direction in
                target.withUnsafeMutableBufferPointer { target in
                    for index in 0..<point.count { target[index] = point[index] + length * direction[index] }
                }
            }
        }
    }

    static func maxMagnitude(_ vector: [Double]) -> Double {
        vector.withUnsafeBufferPointer { vector in
            var largest = 0.0
            for value in vector { largest = max(largest, abs(value)) }
            return largest
        }
    }
}
