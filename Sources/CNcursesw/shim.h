// What Swift cannot import from ncursesw by itself: function-like macros (attributes,
// mouse masks, KEY_F), the `stdscr`/`COLORS` globals (mutable C globals are not
// concurrency-safe in Swift 6, so they are read through functions), and the signal handler
// that restores the terminal on SIGINT/SIGTERM. Only TUICurses imports this module.
#ifndef COLLATE_CNCURSESW_SHIM_H
#define COLLATE_CNCURSESW_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

static inline WINDOW *collate_stdscr(void) { return stdscr; }
static inline FILE *collate_stdin(void) { return stdin; }
static inline FILE *collate_stdout(void) { return stdout; }
static inline int collate_colors(void) { return COLORS; }
static inline int collate_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t collate_attr_normal(void) { return A_NORMAL; }
static inline attr_t collate_attr_bold(void) { return A_BOLD; }
static inline attr_t collate_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t collate_attr_reverse(void) { return A_REVERSE; }
static inline attr_t collate_attr_dim(void) { return A_DIM; }
static inline attr_t collate_attr_italic(void) { return A_ITALIC; }

static inline int collate_key_f(int n) { return KEY_F(n); }

static inline mmask_t collate_mouse_all(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t collate_mouse_pressed(int button) {
    switch (button) {
    case 1: return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED;
    case 2: return BUTTON2_PRESSED | BUTTON2_CLICKED | BUTTON2_DOUBLE_CLICKED;
    case 3: return BUTTON3_PRESSED | BUTTON3_CLICKED | BUTTON3_DOUBLE_CLICKED;
    case 4: return BUTTON4_PRESSED;
    case 5: return BUTTON5_PRESSED;
    default: return 0;
    }
}
static inline mmask_t collate_mouse_released(int button) {
    switch (button) {
    case 1: return BUTTON1_RELEASED;
    case 2: return BUTTON2_RELEASED;
    case 3: return BUTTON3_RELEASED;
    default: return 0;
    }
}

// Restoring the terminal when the process is killed. THE ONE UNSAFE PLACE: endwin() is not
// async-signal-safe (it writes through stdio buffers and may touch ncurses state the
// interrupted code was changing). We accept that because the process is about to die
// anyway: the worst case is a garbled last escape sequence, while not calling it leaves the
// user's shell in raw mode with no echo. SA_RESETHAND restores the default action before
// the handler runs, and raise() then re-delivers the signal once the handler returns, so
// the exit status still says "killed by SIGINT/SIGTERM".

static void collate_restore_terminal_and_reraise(int signal_number) {
    endwin();
    raise(signal_number);
}

// `previous` (two entries: SIGINT, SIGTERM) receives the handlers in place before ours; the
// caller owns it (Swift does not emit file-level statics of an imported header).
static inline void collate_install_signal_handlers(struct sigaction *previous) {
    struct sigaction action;
    action.sa_handler = collate_restore_terminal_and_reraise;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, &previous[0]);
    sigaction(SIGTERM, &action, &previous[1]);
}

static inline void collate_restore_signal_handlers(const struct sigaction *previous) {
    sigaction(SIGINT, &previous[0], NULL);
    sigaction(SIGTERM, &previous[1], NULL);
}

static void collate_endwin_at_exit(void) {
    if (!isendwin()) endwin();
}

// Registers once per process an exit hook that restores the terminal if a program exits
// (exit(), a fatal Swift error does not run it) while curses is still active.
static inline void collate_register_exit_hook(void) {
    static int registered = 0;
    if (!registered) {
        registered = 1;
        atexit(collate_endwin_at_exit);
    }
}

#endif
