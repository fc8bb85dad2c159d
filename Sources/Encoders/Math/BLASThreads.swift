import COpenBLAS

/// How many threads OpenBLAS splits each matrix product across. A server answering many
/// small requests wants 1 (its requests already run in parallel); a batch job wants one per
/// core. OpenBLAS's own default is every core.
public enum BLASThreads {
    public static var count: Int { Int(openblas_get_num_threads()) }

    public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(count, 1))) }
}
