/// A story template: draws its numbers and people, writes the question in one of several
/// phrasings and states the gold solution one step per sentence. Throws `RejectedDraw` when
/// the draw breaks a rule; the generator then draws again.
public struct DemoTemplate: Sendable {
    public let name: String
    let make: @Sendable (inout DemoDraw) throws(RejectedDraw) -> DemoProblem

    /// Every template, in a fixed order (the generator picks among them by index).
    public static let all: [DemoTemplate] = money + everyday + counting
}

/// Stories about money: shopping, saving, selling, splitting a bill.
extension DemoTemplate {
    static let money: [DemoTemplate] = [shopping, saving, lemonade, splitBill, pocketMoney]

    static let shopping = DemoTemplate(name: "shopping") { draw throws(RejectedDraw) in
        let p = draw.person()
        let (first, second) = draw.pick([("notebooks", "pens"), ("apples", "pears"), ("cups", "plates"),
                                         ("socks", "hats"), ("stamps", "cards"), ("candles", "vases")])
        let a = draw.int(2...6), costA = draw.int(2...9), b = draw.int(2...6), costB = draw.int(2...9)
        var builder = ProblemBuilder()
        let spentA = try builder.step(given(a), .multiply, given(costA)) { "\(p.name) spends \($0) dollars on \(first)." }
        let spentB = try builder.step(given(b), .multiply, given(costB)) { "\(p.Subject) spends \($0) dollars on \(second)." }
        let total = try builder.step(spentA, .add, spentB) { "In total \(p.subject) spends \($0) dollars." }
        var question = [draw.pick([
            "\(p.name) buys \(a) \(first) for \(costA) dollars each and \(b) \(second) for \(costB) dollars each.",
            "At the shop, \(p.name) gets \(a) \(first) at \(costA) dollars each and \(b) \(second) at \(costB) dollars each.",
            "\(capitalized(first)) cost \(costA) dollars each and \(second) cost \(costB) dollars each. \(p.name) buys \(a) \(first) and \(b) \(second).",
        ])]
        if draw.chance(1, in: 2) {
            let bill = draw.pick([50, 100])
            try builder.step(given(bill), .subtract, total) { "\(p.Subject) gets \($0) dollars back." }
            question.append(draw.pick([
                "\(p.Subject) pays with a \(bill) dollar bill. How much change does \(p.subject) get?",
                "If \(p.subject) pays with \(bill) dollars, how many dollars does \(p.subject) get back?",
            ]))
        } else {
            question.append(draw.pick([
                "How much does \(p.name) spend in total?", "How many dollars does \(p.subject) pay altogether?",
                "What is the total cost?",
            ]))
        }
        return try builder.problem(template: "shopping", question: question)
    }

    static let saving = DemoTemplate(name: "saving") { draw throws(RejectedDraw) in
        let p = draw.person()
        let start = draw.int(5...60), weekly = draw.int(3...15), weeks = draw.int(2...9)
        let (thing, price) = (draw.pick(["a bike", "a game", "a kite", "a book", "a ball", "a watch"]), draw.int(10...90))
        var builder = ProblemBuilder()
        let saved = try builder.step(given(weekly), .multiply, given(weeks)) { "\(p.name) saves \($0) dollars." }
        let has = try builder.step(given(start), .add, saved) { "Then \(p.subject) has \($0) dollars." }
        try builder.step(has, .subtract, given(price)) { "After buying \(thing), \(p.subject) has \($0) dollars left." }
        let question = [
            draw.pick([
                "\(p.name) has \(start) dollars. \(p.Subject) saves \(weekly) dollars each week for \(weeks) weeks.",
                "\(p.name) starts with \(start) dollars and puts away \(weekly) dollars every week for \(weeks) weeks.",
            ]),
            draw.pick([
                "Then \(p.subject) buys \(thing) for \(price) dollars. How much money does \(p.subject) have left?",
                "\(p.Subject) spends \(price) dollars on \(thing). How many dollars are left?",
            ]),
        ]
        return try builder.problem(template: "saving", question: question)
    }

    static let lemonade = DemoTemplate(name: "lemonade") { draw throws(RejectedDraw) in
        let p = draw.person()
        let (stand, unit) = draw.pick([("lemonade", "cups"), ("cookies", "bags"), ("juice", "glasses"), ("flowers", "bunches")])
        let price = draw.int(2...6), saturday = draw.int(4...30), sunday = draw.int(4...30), cost = draw.int(5...40)
        var builder = ProblemBuilder()
        let sold = try builder.step(given(saturday), .add, given(sunday)) { "\(p.name) sells \($0) \(unit)." }
        let money = try builder.step(sold, .multiply, given(price)) { "\(p.Subject) earns \($0) dollars." }
        try builder.step(money, .subtract, given(cost)) { "The profit is \($0) dollars." }
        let question = [
            draw.pick([
                "\(p.name) sells \(unit) of \(stand) for \(price) dollars each. \(p.Subject) sells \(saturday) \(unit) on Saturday and \(sunday) \(unit) on Sunday.",
                "On Saturday \(p.name) sells \(saturday) \(unit) of \(stand) and on Sunday \(sunday) \(unit). Each costs \(price) dollars.",
            ]),
            draw.pick([
                "The supplies cost \(cost) dollars. How much profit does \(p.subject) make?",
                "\(p.Subject) spent \(cost) dollars on supplies. What is \(p.possessive) profit?",
            ]),
        ]
        return try builder.problem(template: "lemonade", question: question)
    }

    static let splitBill = DemoTemplate(name: "split-bill") { draw throws(RejectedDraw) in
        let friends = draw.int(2...6), meal = draw.int(5...20), tip = friends * draw.int(1...4)
        let place = draw.pick(["a cafe", "a pizza place", "a diner", "a noodle bar"])
        var builder = ProblemBuilder()
        let meals = try builder.step(given(friends), .multiply, given(meal)) { "The meals cost \($0) dollars." }
        let bill = try builder.step(meals, .add, given(tip)) { "With the tip the bill is \($0) dollars." }
        try builder.step(bill, .divide, given(friends)) { "Each friend pays \($0) dollars." }
        let question = [
            draw.pick([
                "\(friends) friends eat at \(place). Each meal costs \(meal) dollars and they leave a \(tip) dollar tip.",
                "At \(place), \(friends) friends each order a meal for \(meal) dollars. They add a tip of \(tip) dollars.",
            ]),
            draw.pick([
                "They split the bill equally. How much does each friend pay?",
                "If they share the cost equally, how many dollars does each one pay?",
            ]),
        ]
        return try builder.problem(template: "split-bill", question: question)
    }

    static let pocketMoney = DemoTemplate(name: "pocket-money") { draw throws(RejectedDraw) in
        let (p, q) = draw.people()
        let amount = draw.int(4...40), times = draw.int(2...4), spent = draw.int(1...30)
        var builder = ProblemBuilder()
        let other = try builder.step(given(amount), .multiply, given(times)) { "\(q.name) has \($0) dollars." }
        let together = try builder.step(given(amount), .add, other) { "Together they have \($0) dollars." }
        try builder.step(together, .subtract, given(spent)) { "They have \($0) dollars left." }
        let question = [
            draw.pick([
                "\(p.name) has \(amount) dollars. \(q.name) has \(times) times as much money as \(p.name).",
                "\(q.name) has \(times) times as many dollars as \(p.name), who has \(amount) dollars.",
            ]),
            draw.pick([
                "They spend \(spent) dollars on a present. How much money do they have left together?",
                "Together they buy a gift for \(spent) dollars. How many dollars do they have left?",
            ]),
        ]
        return try builder.problem(template: "pocket-money", question: question)
    }
}
