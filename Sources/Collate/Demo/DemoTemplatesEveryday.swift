/// Stories of everyday life: baking, travel, reading, school, parties, buses, ages.
extension DemoTemplate {
    static let everyday: [DemoTemplate] = [baking, travel, reading, pencils, pizza, bus, ages]

    static let baking = DemoTemplate(name: "baking") { draw throws(RejectedDraw) in
        let p = draw.person()
        let food = draw.pick(["cookies", "muffins", "rolls", "cupcakes", "pies"])
        let trays = draw.int(2...6), perTray = draw.int(4...12), eaten = draw.int(1...8), friends = draw.int(2...6)
        var builder = ProblemBuilder()
        let baked = try builder.step(given(trays), .multiply, given(perTray)) { "\(p.name) bakes \($0) \(food)." }
        let rest = try builder.step(baked, .subtract, given(eaten)) { "After eating some, \($0) \(food) are left." }
        try builder.step(rest, .divide, given(friends)) { "Each friend gets \($0) \(food)." }
        let question = [
            draw.pick([
                "\(p.name) bakes \(trays) trays of \(food) with \(perTray) \(food) on each tray.",
                "\(p.name) makes \(trays) trays of \(food). Each tray holds \(perTray) \(food).",
            ]),
            draw.pick([
                "\(p.Subject) eats \(eaten) of them and shares the rest equally among \(friends) friends. How many \(food) does each friend get?",
                "The family eats \(eaten) \(food), and the rest are split equally between \(friends) friends. How many does each friend get?",
            ]),
        ]
        return try builder.problem(template: "baking", question: question)
    }

    static let travel = DemoTemplate(name: "travel") { draw throws(RejectedDraw) in
        let (vehicle, speed) = draw.pick([("A train", draw.int(40...90)), ("A bus", draw.int(30...60)),
                                          ("A car", draw.int(40...80)), ("A cyclist", draw.int(10...20))])
        let hours = draw.int(2...5), extra = draw.int(5...40)
        var builder = ProblemBuilder()
        let first = try builder.step(given(speed), .multiply, given(hours)) { "First it goes \($0) km." }
        let oneWay = try builder.step(first, .add, given(extra)) { "The whole trip is \($0) km." }
        var question = [draw.pick([
            "\(vehicle) travels \(speed) km each hour for \(hours) hours and then \(extra) km more.",
            "\(vehicle) goes \(speed) km per hour. It drives for \(hours) hours, then another \(extra) km.",
        ])]
        if draw.chance(1, in: 2) {
            try builder.step(oneWay, .multiply, given(2)) { "There and back it travels \($0) km." }
            question.append(draw.pick([
                "Then it comes back the same way. How many km does it travel in all?",
                "It returns by the same road. What is the total distance there and back?",
            ]))
        } else {
            question.append(draw.pick(["How far does it travel in total?", "How many km is the whole trip?"]))
        }
        return try builder.problem(template: "travel", question: question)
    }

    static let reading = DemoTemplate(name: "reading") { draw throws(RejectedDraw) in
        let p = draw.person()
        let perDay = draw.int(5...30), days = draw.int(2...7), pages = draw.int(60...400)
        var builder = ProblemBuilder()
        let read = try builder.step(given(perDay), .multiply, given(days)) { "\(p.name) reads \($0) pages." }
        let left = try builder.step(given(pages), .subtract, read) { "There are \($0) pages left." }
        var question = [draw.pick([
            "A book has \(pages) pages. \(p.name) reads \(perDay) pages a day for \(days) days.",
            "\(p.name) reads \(perDay) pages every day for \(days) days from a \(pages) page book.",
        ])]
        if draw.chance(1, in: 2) {
            let half = try builder.step(left, .divide, given(2)) { "The next day \(p.subject) reads \($0) pages." }
            try builder.step(left, .subtract, half) { "Now \($0) pages are left." }
            question.append("The next day \(p.subject) reads half of the remaining pages. How many pages are still left?")
        } else {
            question.append(draw.pick([
                "How many pages does \(p.subject) still have to read?", "How many pages are left?",
            ]))
        }
        return try builder.problem(template: "reading", question: question)
    }

    static let pencils = DemoTemplate(name: "pencils") { draw throws(RejectedDraw) in
        let p = draw.person()
        let (thing, role) = draw.pick([("pencils", "teacher"), ("erasers", "teacher"), ("stickers", "coach"), ("crayons", "helper")])
        let stock = draw.int(40...200), students = draw.int(3...25), each = draw.int(2...5), more = draw.int(5...30)
        var builder = ProblemBuilder()
        let given_ = try builder.step(given(students), .multiply, given(each)) { "\(p.name) gives away \($0) \(thing)." }
        let left = try builder.step(given(stock), .subtract, given_) { "\(p.Subject) has \($0) \(thing) left." }
        var question = [draw.pick([
            "\(p.name) is a \(role) with \(stock) \(thing). \(p.Subject) gives \(each) \(thing) to each of \(students) students.",
            "A \(role) named \(p.name) has \(stock) \(thing) and hands out \(each) to every one of \(students) students.",
        ])]
        if draw.chance(1, in: 2) {
            try builder.step(left, .add, given(more)) { "After buying more, \(p.subject) has \($0) \(thing)." }
            question.append("Then \(p.subject) buys \(more) more. How many \(thing) does \(p.subject) have now?")
        } else {
            question.append(draw.pick(["How many \(thing) are left?", "How many \(thing) does \(p.subject) keep?"]))
        }
        return try builder.problem(template: "pencils", question: question)
    }

    static let pizza = DemoTemplate(name: "pizza") { draw throws(RejectedDraw) in
        let p = draw.person()
        let guests = draw.int(3...12), slices = draw.int(2...4), host = draw.int(1...6), perPizza = draw.pick([6, 8, 10])
        var builder = ProblemBuilder()
        let guestSlices = try builder.step(given(guests), .multiply, given(slices)) { "The guests eat \($0) slices." }
        let all = try builder.step(guestSlices, .add, given(host)) { "With \(p.name), \($0) slices are eaten." }
        try builder.step(all, .divide, given(perPizza)) { "That is \($0) pizzas." }
        let question = [
            draw.pick([
                "\(p.name) has a party with \(guests) guests. Each guest eats \(slices) slices of pizza and \(p.name) eats \(host) slices.",
                "At \(p.name)'s party, \(guests) guests eat \(slices) slices each. \(p.name) eats \(host) slices too.",
            ]),
            draw.pick([
                "Each pizza has \(perPizza) slices. How many pizzas are eaten?",
                "A pizza is cut into \(perPizza) slices. How many whole pizzas do they eat?",
            ]),
        ]
        return try builder.problem(template: "pizza", question: question)
    }

    static let bus = DemoTemplate(name: "bus") { draw throws(RejectedDraw) in
        let vehicle = draw.pick(["bus", "train", "boat", "tram"])
        let start = draw.int(10...60), off1 = draw.int(1...20), on1 = draw.int(1...20), off2 = draw.int(1...25)
        var builder = ProblemBuilder()
        let afterOff = try builder.step(given(start), .subtract, given(off1)) { "After \(off1) get off, \($0) people are left." }
        let afterOn = try builder.step(afterOff, .add, given(on1)) { "Then \($0) people are on the \(vehicle)." }
        try builder.step(afterOn, .subtract, given(off2)) { "At the second stop \($0) people stay on." }
        let question = [
            draw.pick([
                "A \(vehicle) starts with \(start) people. At the first stop \(off1) people get off and \(on1) get on.",
                "There are \(start) people on a \(vehicle). At the first stop, \(off1) leave and \(on1) climb on.",
            ]),
            draw.pick([
                "At the second stop \(off2) people get off. How many people are on the \(vehicle) now?",
                "Then \(off2) more people get off. How many are still on the \(vehicle)?",
            ]),
        ]
        return try builder.problem(template: "bus", question: question)
    }

    static let ages = DemoTemplate(name: "ages") { draw throws(RejectedDraw) in
        let (p, q) = draw.people()
        let age = draw.int(3...20), older = draw.int(2...9), years = draw.int(2...10)
        var builder = ProblemBuilder()
        let qAge = try builder.step(given(age), .add, given(older)) { "\(q.name) is \($0) years old." }
        let now = try builder.step(given(age), .add, qAge) { "Together they are \($0) years old now." }
        let added = try builder.step(given(years), .multiply, given(2)) { "In \(years) years both are older, which adds \($0) years." }
        try builder.step(now, .add, added) { "Then together they will be \($0) years old." }
        let question = [
            draw.pick([
                "\(p.name) is \(age) years old. \(q.name) is \(older) years older than \(p.name).",
                "\(q.name) is \(older) years older than \(p.name), who is \(age).",
            ]),
            draw.pick([
                "How old will they be together in \(years) years?",
                "What will the sum of their ages be in \(years) years?",
            ]),
        ]
        return try builder.problem(template: "ages", question: question)
    }
}
