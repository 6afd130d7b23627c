import Testing
@testable import TensorCore

@Suite struct TensorTests {
    @Test func initialisersAndElementAccess() {
        var x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(x.shape == [2, 3] && x.count == 6 && x.rank == 2)
        #expect(x[1, 2] == 6 && x[0, 1] == 2)
        x[1, 0] = 9
        #expect(x.scalars == [1, 2, 3, 9, 5, 6])
        #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.ones([3]).scalars == [1, 1, 1])
        #expect(Tensor.full([2], 2.5).scalars == [2.5, 2.5])
        #expect(Tensor(scalar: 3).item == 3 && Tensor(scalar: 3).shape == [])
        #expect(Tensor.strides([2, 3, 4]) == [12, 4, 1])
    }

    @Test func reshapeIsAViewAndWritesCopyOnWrite() {
        var x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let y = x.reshaped([3, -1])
        #expect(y.shape == [3, 2] && y.storage === x.storage)
        x[0, 0] = 100                      // x's buffer is shared with y: x copies first
        #expect(y.scalars == [1, 2, 3, 4, 5, 6])
        #expect(x.scalars == [100, 2, 3, 4, 5, 6])
        #expect(y.storage !== x.storage)
    }

    @Test func uniqueTensorMutatesInPlace() {
        var x = Tensor.zeros([4])
        // Hold the address, not the storage (holding it would make the buffer shared).
        let before = x.withUnsafeBufferPointer { $0.baseAddress }
        x[2] = 1
        #expect(x.withUnsafeBufferPointer { $0.baseAddress } == before)
        #expect(x.scalars == [0, 0, 1, 0])
    }

    @Test func rowsViewSharesStorageWithOffset() {
        let x = Tensor((0..<12).map(Float.init), shape: [4, 3])
        let middle = x.rows(1..<3)
        #expect(middle.shape == [2, 3] && middle.storage === x.storage)
        #expect(middle.scalars == [3, 4, 5, 6, 7, 8])
        var copy = middle
        copy[0, 0] = -1
        #expect(x[1, 0] == 3 && copy.scalars == [-1, 4, 5, 6, 7, 8])
    }

    @Test func concatenateAlongEachAxis() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2]), b = Tensor([5, 6], shape: [2, 1])
        #expect(Tensor.concatenate([a, b], axis: 1).scalars == [1, 2, 5, 3, 4, 6])
        #expect(Tensor.concatenate([a, b.reshaped([1, 2])], axis: 0).scalars == [1, 2, 3, 4, 5, 6])
        #expect(Tensor.concatenate([a, b], axis: -1).shape == [2, 3])
    }

    @Test func sliceAlongMiddleAxis() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let s = x.slice(axis: 1, 1..<3)
        #expect(s.shape == [2, 2, 4])
        #expect(s.scalars == [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        #expect(x.slice(axis: 2, 3..<4).scalars == [3, 7, 11, 15, 19, 23])
    }

    @Test func transposeAndPermuteMatchNaiveIndexing() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let t = x.transposed(0, 1)           // [3, 2, 4]
        let last = x.transposed(1, 2)        // [2, 4, 3]
        let p = x.permuted([2, 0, 1])        // [4, 2, 3]
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            #expect(t[j, i, k] == x[i, j, k])
            #expect(last[i, k, j] == x[i, j, k])
            #expect(p[k, i, j] == x[i, j, k])
        }}}
    }

    @Test func summedToShapeUndoesBroadcast() {
        let g = Tensor((1...6).map(Float.init), shape: [2, 3])
        #expect(g.summed(toShape: [3]).scalars == [5, 7, 9])
        #expect(g.summed(toShape: [2, 1]).scalars == [6, 15])
        #expect(g.summed(toShape: [1, 3]).scalars == [5, 7, 9])
        #expect(g.summed(toShape: []).scalars == [21])
        #expect(g.summed(toShape: [2, 3]).scalars == g.scalars)
    }
}

@Suite struct SeededRandomTests {
    @Test func splitMixMatchesPublishedReference() {
        // Vigna's splitmix64.c with state 0: first output 0xE220A8397B1DCDAF.
        var mixer = SplitMix64(state: 0)
        #expect(mixer.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func sameSeedSameNumbersAndStateRestoresExactly() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
        _ = a.normal()                        // leaves a spare Box-Muller value behind
        let saved = a.state
        let continued = (0..<7).map { _ in a.normal() }
        var restored = SeededRandom(state: saved)
        #expect((0..<7).map { _ in restored.normal() } == continued)
    }

    @Test func uniformAndNormalMoments() {
        var rng = SeededRandom(seed: 7)
        let n = 20000
        let u = (0..<n).map { _ in rng.uniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / Double(n) - 0.5) < 0.01)
        let z = (0..<n).map { _ in rng.normal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        let t = Tensor.normal([1000], mean: 3, std: 0.5, using: &rng)
        #expect(abs(t.mean().item - 3) < 0.1)
    }

    @Test func shuffleIsAPermutationAndReproducible() {
        var a = SeededRandom(seed: 9), b = SeededRandom(seed: 9)
        let p = a.permutation(50)
        #expect(p.sorted() == Array(0..<50) && p != Array(0..<50))
        #expect(b.permutation(50) == p)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<3000 { counts[a.integer(below: 3)] += 1 }
        #expect(counts.allSatisfy { $0 > 900 && $0 < 1100 })
    }
}

@Suite struct TensorAssignTests {
    @Test func assignWritesAWindowInPlaceLikeAKVCacheAppend() {
        var cache = Tensor.zeros([1, 2, 4, 2])                     // [B, Hkv, capacity, D]
        let step = Tensor([1, 2, 3, 4], shape: [1, 2, 1, 2])       // one new position
        let shared = cache
        cache.assign(step, axis: 2, at: 1)
        #expect(cache.scalars == [0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0])
        #expect(shared.scalars.allSatisfy { $0 == 0 })             // copy-on-write
        cache.assign(Tensor.ones([1, 2, 2, 2]), axis: 2, at: 2)
        #expect(cache[0, 1, 3, 1] == 1 && cache[0, 1, 1, 0] == 3)
    }
}
