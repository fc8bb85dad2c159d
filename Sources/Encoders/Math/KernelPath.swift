import CKernels
import Foundation

/// Which variant of the C kernels (the packed matrix product, GELU, softmax) the forward pass
/// runs: the widest the CPU has, unless `MAGPIE_KERNELS` names a narrower one. That variable
/// lets one machine run and test every path below its own: an AVX-512 Xeon runs the AVX2
/// kernels as an AMD EPYC would, and either runs the portable path of a CPU with neither.
package enum KernelPath: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    /// OpenBLAS for products, Swift's portable SIMD code for the rest.
    case portable = 0
    case avx2 = 1
    case avx512 = 2

    /// The widest path this CPU runs.
    package static let widest = KernelPath(rawValue: Int(magpie_cpu_kernel_level())) ?? .portable

    /// The path the forward pass takes: `widest`, or `MAGPIE_KERNELS` (`avx512`, `avx2` or
    /// `portable`) when it names a path this CPU runs. A name it cannot run is ignored.
    package static let current: KernelPath = {
        guard let asked = ProcessInfo.processInfo.environment["MAGPIE_KERNELS"].flatMap(KernelPath.init(name:)) else {
            return widest
        }
        return min(asked, widest)
    }()

    /// Every path this CPU can run, for tests that check each against a reference.
    package static var runnable: [KernelPath] { allCases.filter { $0 <= widest } }

    init?(name: String) {
        guard let path = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = path
    }

    package var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }

    package static func < (lhs: KernelPath, rhs: KernelPath) -> Bool { lhs.rawValue < rhs.rawValue }
}
