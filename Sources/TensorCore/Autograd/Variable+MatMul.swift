/// Matrix product on `Variable`s: forward and both gradients through `gemm` with transpose
/// flags (see Kernels/MatMul.swift for the shapes accepted).
public func matmul(_ a: Variable, _ b: Variable,
                   transposeA: Bool = false, transposeB: Bool = false) -> Variable {
    let (x, y) = (a.value, b.value)
    let out = matmul(x, y, transposeA: transposeA, transposeB: transposeB)
    return Variable.record(out, inputs: [a, b]) { g, needs in
        let grads = matmulGradients(x, y, outputGradient: g, transposeA: transposeA,
                                    transposeB: transposeB, needA: needs[0], needB: needs[1])
        return [grads.a, grads.b]
    }
}
