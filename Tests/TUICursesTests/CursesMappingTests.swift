import CNcursesw
import Testing
import TUIKit
@testable import TUICurses

/// What can be checked without a terminal: decoding of ncurses key codes and the wait
/// arithmetic. Drawing is checked by hand under tmux (see the report of issue 7).
@Suite struct CursesMappingTests {
    @Test func functionKeyCodesMapToKeys() {
        #expect(CursesTerminal.key(forCursesCode: KEY_UP) == .up)
        #expect(CursesTerminal.key(forCursesCode: KEY_NPAGE) == .pageDown)
        #expect(CursesTerminal.key(forCursesCode: KEY_BTAB) == .backTab)
        #expect(CursesTerminal.key(forCursesCode: KEY_RESIZE) == .resize)
        #expect(CursesTerminal.key(forCursesCode: KEY_BACKSPACE) == .backspace)
        #expect(CursesTerminal.key(forCursesCode: collate_key_f(1)) == .function(1))
        #expect(CursesTerminal.key(forCursesCode: collate_key_f(12)) == .function(12))
        #expect(CursesTerminal.key(forCursesCode: collate_key_f(0)) == nil)
        #expect(CursesTerminal.key(forCursesCode: KEY_MOUSE) == nil)  // read separately through getmouse
    }

    @Test func waitsRoundUpToWholeMilliseconds() {
        #expect(CursesTerminal.milliseconds(roundingUp: .milliseconds(50)) == 50)
        #expect(CursesTerminal.milliseconds(roundingUp: .microseconds(1)) == 1)
        #expect(CursesTerminal.milliseconds(roundingUp: .seconds(2) + .microseconds(1500)) == 2002)
        #expect(CursesTerminal.milliseconds(roundingUp: .zero) == 0)
    }

    @Test func wakeUpPipeWakesOnceForManyWrites() throws {
        let pipe = try WakeUpPipe()
        #expect(!pipe.drain())
        pipe.wake()
        pipe.wake()
        #expect(pipe.drain())
        #expect(!pipe.drain())
    }
}
