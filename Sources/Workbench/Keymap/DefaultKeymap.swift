import TUIKit

extension Keymap {
    /// The default bindings (issue 7, "Behaviour"). `k` moves up as in every pager, so
    /// keeping a filtered pair is `K`; the help says so.
    public static let standard: Keymap = {
        func keys(_ characters: String) -> [[Key]] { characters.map { [Key.char($0)] } }
        let shiftedDigits = Array("!@#$%^&*(")
        var bindings: [KeyBinding] = [
            KeyBinding(.quit, keys("q"), hint: true),
            KeyBinding(.help, keys("?"), hint: true),
            KeyBinding(.palette, keys(":")),
            KeyBinding(.search, keys("/"), context: .screen(.compare)),
            KeyBinding(.moveDown, [[.char("j")], [.down]], context: .screen(.compare), hint: true),
            KeyBinding(.moveUp, [[.char("k")], [.up]], context: .screen(.compare)),
            KeyBinding(.columnLeft, [[.char("h")], [.left], [.backTab]], context: .screen(.compare)),
            KeyBinding(.columnRight, [[.char("l")], [.right], [.tab]], context: .screen(.compare)),
            // On Inspect the same keys scroll the rendered prompts and go to the next column.
            KeyBinding(.moveDown, [[.char("j")], [.down]], context: .screen(.inspect)),
            KeyBinding(.moveUp, [[.char("k")], [.up]], context: .screen(.inspect)),
            KeyBinding(.columnLeft, [[.char("h")], [.left], [.backTab]], context: .screen(.inspect)),
            KeyBinding(.columnRight, [[.char("l")], [.right], [.tab]], context: .screen(.inspect)),
            // On Train they scroll the log back (PgUp/PgDn by a page).
            KeyBinding(.moveDown, [[.char("j")], [.down]], context: .screen(.train)),
            KeyBinding(.moveUp, [[.char("k")], [.up]], context: .screen(.train)),
            KeyBinding(.firstPrompt, [[.home], [.char("<")]], context: .screen(.compare)),
            KeyBinding(.lastPrompt, [[.end], [.char(">")]], context: .screen(.compare)),
            KeyBinding(.nextMatch, keys("]"), context: .screen(.compare)),
            KeyBinding(.previousMatch, keys("["), context: .screen(.compare)),
            KeyBinding(.cycleFilter, keys("f"), context: .screen(.compare)),
            KeyBinding(.scrollDown, [[.pageDown], [.ctrl("d")]]),
            KeyBinding(.scrollUp, [[.pageUp], [.ctrl("u")]]),
            KeyBinding(.inspect, [[.enter]], context: .screen(.compare), hint: true),
            KeyBinding(.back, [[.escape]]),
        ]
        for n in 1...9 {
            bindings.append(KeyBinding(.choose(n), [[.char(Character(String(n)))]], context: .screen(.compare),
                                       hint: n == 1))
        }
        for n in 1...9 {
            bindings.append(KeyBinding(.reject(n), [[.char("r"), .char(Character(String(n)))], [.char(shiftedDigits[n - 1])]],
                                       context: .screen(.compare), hint: n == 1))
        }
        bindings += [
            KeyBinding(.drop, keys("x"), context: .screen(.compare), hint: true),
            KeyBinding(.keepFiltered, keys("K"), context: .screen(.compare)),
            KeyBinding(.writeRationale, keys("w"), context: .screen(.compare), hint: true),
            KeyBinding(.editNote, keys("n"), context: .screen(.compare)),
            KeyBinding(.acceptAuto, keys("a"), context: .screen(.compare), hint: true),
            KeyBinding(.undo, keys("u"), context: .screen(.compare), hint: true),
            KeyBinding(.redo, [[.ctrl("r")]], context: .screen(.compare)),
            KeyBinding(.toggleDiff, keys("d"), context: .screen(.compare)),
            KeyBinding(.toggleBlind, keys("b"), context: .screen(.compare)),
            KeyBinding(.generate, keys("g")),
            KeyBinding(.score, keys("s")),
            KeyBinding(.train, keys("t"), hint: true),
            KeyBinding(.eval, keys("e")),
            KeyBinding(.pauseJob, keys("p"), context: .screen(.train), hint: true),
            KeyBinding(.stopJob, keys("S")),
            KeyBinding(.showCompare, keys("C")),
            KeyBinding(.showTrain, keys("T")),
            KeyBinding(.showEval, keys("E")),
        ]
        return Keymap(bindings: bindings)
    }()
}
