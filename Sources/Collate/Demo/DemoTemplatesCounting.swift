/// Stories of counting things: gardens, harvests, libraries, pets, farms, games, collections.
extension DemoTemplate {
    static let counting: [DemoTemplate] = [garden, picking, library, petFood, eggs, sports, stickers, marbles, ribbon]

    static let garden = DemoTemplate(name: "garden") { draw throws(RejectedDraw) in
        let p = draw.person()
        let plant = draw.pick(["tulips", "carrots", "roses", "beans", "onions", "daisies"])
        let rows = draw.int(2...9), perRow = draw.int(3...12), eaten = draw.int(1...12)
        var builder = ProblemBuilder()
        let planted = try builder.step(given(rows), .multiply, given(perRow)) { "\(p.name) plants \($0) \(plant)." }
        let left = try builder.step(planted, .subtract, given(eaten)) { "\($0) \(plant) are left." }
        var question = [draw.pick([
            "\(p.name) plants \(rows) rows of \(plant) with \(perRow) in each row. Rabbits eat \(eaten) of them.",
            "In \(p.possessive) garden \(p.name) has \(rows) rows of \(perRow) \(plant). A storm ruins \(eaten) of them.",
        ])]
        if draw.chance(1, in: 2) {
            let pot = draw.pick([2, 3, 4, 5])
            try builder.step(left, .divide, given(pot)) { "\(p.Subject) fills \($0) pots." }
            question.append("\(p.Subject) puts the rest into pots, \(pot) in each pot. How many pots does \(p.subject) fill?")
        } else {
            question.append(draw.pick(["How many \(plant) are left?", "How many \(plant) does \(p.subject) still have?"]))
        }
        return try builder.problem(template: "garden", question: question)
    }

    static let picking = DemoTemplate(name: "picking") { draw throws(RejectedDraw) in
        let p = draw.person()
        let fruit = draw.pick(["apples", "cherries", "plums", "shells", "berries", "acorns"])
        let monday = draw.int(3...40), more = draw.int(2...20)
        var builder = ProblemBuilder()
        let tuesday = try builder.step(given(monday), .add, given(more)) { "On Tuesday \(p.name) picks \($0) \(fruit)." }
        let twoDays = try builder.step(given(monday), .add, tuesday) { "On both days \(p.subject) picks \($0) \(fruit)." }
        var question = [draw.pick([
            "\(p.name) picks \(monday) \(fruit) on Monday. On Tuesday \(p.subject) picks \(more) more than on Monday.",
            "On Monday \(p.name) collects \(monday) \(fruit), and on Tuesday \(more) more than that.",
        ])]
        if draw.chance(1, in: 2) {
            let wednesday = try builder.step(given(monday), .multiply, given(2)) { "On Wednesday \(p.subject) picks \($0) \(fruit)." }
            try builder.step(twoDays, .add, wednesday) { "Over three days \(p.subject) picks \($0) \(fruit)." }
            question.append("On Wednesday \(p.subject) picks twice as many as on Monday. How many \(fruit) does \(p.subject) pick in the three days?")
        } else {
            question.append(draw.pick([
                "How many \(fruit) does \(p.subject) pick on the two days?", "How many \(fruit) does \(p.subject) have in all?",
            ]))
        }
        return try builder.problem(template: "picking", question: question)
    }

    static let library = DemoTemplate(name: "library") { draw throws(RejectedDraw) in
        let (place, thing) = draw.pick([("library", "books"), ("shop", "toys"), ("museum", "pictures"), ("school", "maps")])
        let shelves = draw.int(3...12), perShelf = draw.int(5...40), added = draw.int(5...60), removed = draw.int(5...60)
        var builder = ProblemBuilder()
        let start = try builder.step(given(shelves), .multiply, given(perShelf)) { "The \(place) has \($0) \(thing)." }
        let more = try builder.step(start, .add, given(added)) { "With the new ones it has \($0) \(thing)." }
        try builder.step(more, .subtract, given(removed)) { "In the end it has \($0) \(thing)." }
        let question = [
            draw.pick([
                "A \(place) has \(shelves) shelves with \(perShelf) \(thing) on each shelf.",
                "There are \(shelves) shelves in a \(place), and each shelf holds \(perShelf) \(thing).",
            ]),
            draw.pick([
                "It gets \(added) new \(thing) and gives away \(removed) old ones. How many \(thing) does it have now?",
                "Then \(added) \(thing) arrive and \(removed) are sold. How many \(thing) are there now?",
            ]),
        ]
        return try builder.problem(template: "library", question: question)
    }

    static let petFood = DemoTemplate(name: "pet-food") { draw throws(RejectedDraw) in
        let p = draw.person()
        let pet = draw.pick(["dog", "cat", "horse", "rabbit", "parrot"])
        let bags = draw.int(2...6), cups = draw.pick([10, 12, 14, 15, 20, 21, 24, 28, 30, 35, 42]), perDay = draw.int(1...6)
        var builder = ProblemBuilder()
        let total = try builder.step(given(bags), .multiply, given(cups)) { "\(p.name) has \($0) cups of food." }
        let days = try builder.step(total, .divide, given(perDay)) { "The food lasts \($0) days." }
        var question = [draw.pick([
            "\(p.name) buys \(bags) bags of \(pet) food. Each bag holds \(cups) cups. \(capitalized(p.possessive)) \(pet) eats \(perDay) cups a day.",
            "A bag of \(pet) food has \(cups) cups and \(p.name) has \(bags) bags. The \(pet) eats \(perDay) cups each day.",
        ])]
        if draw.chance(1, in: 2) {
            try builder.step(days, .divide, given(7)) { "That is \($0) weeks." }
            question.append("How many weeks does the food last?")
        } else {
            question.append(draw.pick(["How many days does the food last?", "For how many days can \(p.subject) feed the \(pet)?"]))
        }
        return try builder.problem(template: "pet-food", question: question)
    }

    static let eggs = DemoTemplate(name: "eggs") { draw throws(RejectedDraw) in
        let p = draw.person()
        let hens = draw.int(2...12), perHen = draw.int(2...7), box = draw.pick([6, 12]), price = draw.int(2...5)
        var builder = ProblemBuilder()
        let eggs = try builder.step(given(hens), .multiply, given(perHen)) { "The hens lay \($0) eggs." }
        let boxes = try builder.step(eggs, .divide, given(box)) { "\(p.name) fills \($0) boxes." }
        var question = [draw.pick([
            "\(p.name) has \(hens) hens. Each hen lays \(perHen) eggs a week. \(p.Subject) packs the eggs in boxes of \(box).",
            "On \(p.name)'s farm \(hens) hens each lay \(perHen) eggs in a week. The eggs go into boxes of \(box).",
        ])]
        if draw.chance(1, in: 2) {
            try builder.step(boxes, .multiply, given(price)) { "\(p.Subject) earns \($0) dollars." }
            question.append("Each box sells for \(price) dollars. How much money does \(p.subject) make in a week?")
        } else {
            question.append(draw.pick(["How many boxes does \(p.subject) fill in a week?", "How many boxes are filled each week?"]))
        }
        return try builder.problem(template: "eggs", question: question)
    }

    static let sports = DemoTemplate(name: "sports") { draw throws(RejectedDraw) in
        let (team, rival) = draw.pick([("Tigers", "Lions"), ("Hawks", "Bears"), ("Reds", "Blues"), ("Owls", "Foxes")])
        let perGame = draw.int(2...15), games = draw.int(2...8), bonus = draw.int(1...10), rivalPoints = draw.int(5...60)
        var builder = ProblemBuilder()
        let points = try builder.step(given(perGame), .multiply, given(games)) { "The \(team) score \($0) points in the games." }
        let total = try builder.step(points, .add, given(bonus)) { "With the bonus they have \($0) points." }
        try builder.step(total, .subtract, given(rivalPoints)) { "They have \($0) more points than the \(rival)." }
        let question = [
            draw.pick([
                "The \(team) score \(perGame) points in each of \(games) games and get \(bonus) bonus points.",
                "In \(games) games the \(team) score \(perGame) points per game. They also win \(bonus) bonus points.",
            ]),
            draw.pick([
                "The \(rival) have \(rivalPoints) points. How many more points do the \(team) have?",
                "How many more points than the \(rival), who have \(rivalPoints), do the \(team) have?",
            ]),
        ]
        return try builder.problem(template: "sports", question: question)
    }

    static let stickers = DemoTemplate(name: "stickers") { draw throws(RejectedDraw) in
        let (p, q) = draw.people()
        let thing = draw.pick(["stickers", "cards", "coins", "stamps", "beads"])
        let has = draw.int(4...50), gift = draw.int(2...40)
        var builder = ProblemBuilder()
        let total = try builder.step(given(has), .add, given(gift)) { "\(p.name) has \($0) \(thing)." }
        let half = try builder.step(total, .divide, given(2)) { "\(p.Subject) gives away \($0) \(thing)." }
        try builder.step(total, .subtract, half) { "\(p.Subject) keeps \($0) \(thing)." }
        let question = [
            draw.pick([
                "\(p.name) has \(has) \(thing). \(q.name) gives \(p.name) \(gift) more.",
                "\(p.name) owns \(has) \(thing) and gets \(gift) more from \(q.name).",
            ]),
            draw.pick([
                "Then \(p.name) gives half of \(p.possessive) \(thing) to a friend. How many does \(p.subject) keep?",
                "\(p.Subject) gives half of them away. How many \(thing) does \(p.subject) have left?",
            ]),
        ]
        return try builder.problem(template: "stickers", question: question)
    }

    static let marbles = DemoTemplate(name: "marbles") { draw throws(RejectedDraw) in
        let (p, q) = draw.people()
        let thing = draw.pick(["marbles", "shells", "pebbles", "buttons"])
        let count = draw.int(3...40), times = draw.int(2...5)
        var builder = ProblemBuilder()
        let other = try builder.step(given(count), .multiply, given(times)) { "\(q.name) has \($0) \(thing)." }
        let together = try builder.step(given(count), .add, other) { "Together they have \($0) \(thing)." }
        var question = [draw.pick([
            "\(p.name) has \(count) \(thing). \(q.name) has \(times) times as many \(thing) as \(p.name).",
            "\(q.name) has \(times) times as many \(thing) as \(p.name). \(p.name) has \(count).",
        ])]
        if draw.chance(1, in: 2) {
            let kids = draw.pick([2, 3, 4])
            try builder.step(together, .divide, given(kids)) { "Each child gets \($0) \(thing)." }
            question.append("They put them together and share them equally among \(kids) children. How many does each child get?")
        } else {
            question.append(draw.pick(["How many \(thing) do they have together?", "How many \(thing) do they have in all?"]))
        }
        return try builder.problem(template: "marbles", question: question)
    }

    static let ribbon = DemoTemplate(name: "ribbon") { draw throws(RejectedDraw) in
        let p = draw.person()
        let (material, unit) = draw.pick([("ribbon", "cm"), ("rope", "m"), ("string", "cm"), ("fabric", "cm")])
        let pieces = draw.int(2...9), length = draw.int(5...40), roll = draw.int(100...500)
        var builder = ProblemBuilder()
        let used = try builder.step(given(pieces), .multiply, given(length)) { "\(p.name) uses \($0) \(unit)." }
        try builder.step(given(roll), .subtract, used) { "\($0) \(unit) of \(material) are left." }
        let question = [
            draw.pick([
                "\(p.name) has \(roll) \(unit) of \(material). \(p.Subject) cuts \(pieces) pieces, each \(length) \(unit) long.",
                "From a roll of \(roll) \(unit) of \(material), \(p.name) cuts \(pieces) pieces of \(length) \(unit).",
            ]),
            draw.pick(["How much \(material) is left?", "How many \(unit) of \(material) remain?"]),
        ]
        return try builder.problem(template: "ribbon", question: question)
    }
}
