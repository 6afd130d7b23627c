/// Elementwise ops on `Variable`s with their derivative rules (broadcasting is undone by
/// the engine, so each rule returns gradients in the output's shape).
///
///     d(a+b) = g, g          d(a-b) = g, -g
///     d(a*b) = g*b, g*a      d(a/b) = g/b, -g*a/b^2
///     d exp(x) = g*exp(x)    d log(x) = g/x    d sqrt(x) = g/(2 sqrt(x))    d x^2 = 2gx
extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable {
        record(a.value + b.value, inputs: [a, b]) { g, _ in [g, g] }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        record(a.value - b.value, inputs: [a, b]) { g, needs in [g, needs[1] ? -g : nil] }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        return record(x * y, inputs: [a, b]) { g, needs in
            [needs[0] ? g * y : nil, needs[1] ? g * x : nil]
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        return record(x / y, inputs: [a, b]) { g, needs in
            [needs[0] ? g / y : nil, needs[1] ? -(g * x) / (y * y) : nil]
        }
    }

    public static func + (a: Variable, s: Float) -> Variable {
        record(a.value + s, inputs: [a]) { g, _ in [g] }
    }
    public static func - (a: Variable, s: Float) -> Variable {
        record(a.value - s, inputs: [a]) { g, _ in [g] }
    }
    public static func * (a: Variable, s: Float) -> Variable {
        record(a.value * s, inputs: [a]) { g, _ in [g * s] }
    }
    public static func / (a: Variable, s: Float) -> Variable {
        record(a.value / s, inputs: [a]) { g, _ in [g / s] }
    }
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    public static func * (s: Float, a: Variable) -> Variable { a * s }
    public static func - (s: Float, a: Variable) -> Variable {
        record(s - a.value, inputs: [a]) { g, _ in [-g] }
    }
    public static func / (s: Float, a: Variable) -> Variable {
        let x = a.value
        return record(s / x, inputs: [a]) { g, _ in [-(g * s) / (x * x)] }
    }

    public static prefix func - (a: Variable) -> Variable {
        record(-a.value, inputs: [a]) { g, _ in [-g] }
    }

    public func exp() -> Variable {
        let y = value.exp()
        return Variable.record(y, inputs: [self]) { g, _ in [g * y] }
    }

    public func log() -> Variable {
        let x = value
        return Variable.record(x.log(), inputs: [self]) { g, _ in [g / x] }
    }

    public func sqrt() -> Variable {
        let y = value.sqrt()
        return Variable.record(y, inputs: [self]) { g, _ in [g / y * 0.5] }
    }

    public func square() -> Variable {
        let x = value
        return Variable.record(x.square(), inputs: [self]) { g, _ in [g * x * 2] }
    }
}
