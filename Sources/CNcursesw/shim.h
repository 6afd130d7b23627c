// What Swift cannot import from ncursesw by itself: function-like macros (attributes,
// mouse masks, KEY_F), the `stdscr`/`COLORS` globals (mutable C globals are not
// concurrency-safe in Swift 6, so they are read through functions), and the signal handler
// that restores the terminal on SIGINT/SIGTERM/SIGHUP/SIGQUIT and around SIGTSTP/SIGCONT. Only TUICurses imports this module.
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
// interrupted code was changing). We accept that because the process is about to die (or
// stop) anyway: the worst case is a garbled last escape sequence, while not calling it
// leaves the user's shell in raw mode with no echo. SA_RESETHAND restores the default action
// before the handler runs, and raise() then re-delivers the signal once the handler returns,
// so the exit status still says "killed by SIGINT/SIGTERM/SIGHUP/SIGQUIT" (and SIGQUIT no
// longer prints a backtrace over the screen: the default action is taken, not the runtime's).
//
// SIGTSTP (`kill -TSTP`, a job-control stop) gives the terminal back and stops; on SIGCONT
// the handler returns, sets the resumed flag and writes a byte to the UI's wake-up pipe,
// and the UI repaints the whole screen (ncurses restores raw mode at the next refresh).

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

enum { COLLATE_SIGNAL_COUNT = 6 };

static inline int *collate_resume_fd(void) { static int fd = -1; return &fd; }
static inline volatile sig_atomic_t *collate_resumed_flag(void) { static volatile sig_atomic_t flag = 0; return &flag; }

// Whether the process was continued after a stop since the last call (clears the flag).
static inline int collate_take_resumed(void) {
    int resumed = *collate_resumed_flag() != 0;
    *collate_resumed_flag() = 0;
    return resumed;
}

static void collate_restore_terminal_and_reraise(int signal_number) {
    endwin();
    raise(signal_number);
}

static void collate_note_resumed(void) {
    *collate_resumed_flag() = 1;
    int fd = *collate_resume_fd();
    if (fd >= 0) { char byte = 1; (void)write(fd, &byte, 1); }
}

static void collate_continued(int signal_number) {
    (void)signal_number;
    int saved = errno;
    collate_note_resumed();
    errno = saved;
}

static void collate_suspend(int signal_number) {
    int saved = errno;
    endwin();
    struct sigaction stop, ours;
    stop.sa_handler = SIG_DFL;
    sigemptyset(&stop.sa_mask);
    stop.sa_flags = 0;
    sigaction(signal_number, &stop, &ours);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal_number);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(signal_number);   // the process stops here until SIGCONT
    sigaction(signal_number, &ours, NULL);
    collate_note_resumed();
    errno = saved;
}

// `previous` (COLLATE_SIGNAL_COUNT entries: INT, TERM, HUP, QUIT, TSTP, CONT) receives the
// handlers in place before ours; the caller owns it (Swift does not emit file-level statics
// of an imported header). `wake_fd` is the write end of the UI's wake-up pipe (non-blocking).
static inline void collate_install_signal_handlers(struct sigaction *previous, int wake_fd) {
    *collate_resume_fd() = wake_fd;
    const int fatal[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    struct sigaction action;
    action.sa_handler = collate_restore_terminal_and_reraise;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    for (int i = 0; i < 4; i++) sigaction(fatal[i], &action, &previous[i]);
    struct sigaction suspend;
    suspend.sa_handler = collate_suspend;
    sigemptyset(&suspend.sa_mask);
    suspend.sa_flags = SA_RESTART;
    sigaction(SIGTSTP, &suspend, &previous[4]);
    struct sigaction resume;
    resume.sa_handler = collate_continued;
    sigemptyset(&resume.sa_mask);
    resume.sa_flags = SA_RESTART;
    sigaction(SIGCONT, &resume, &previous[5]);
    // A mask inherited from the parent (a test runner, a daemon) may block them, and a
    // blocked SIGHUP would leave the process hanging on a closed terminal: unblock them here.
    sigset_t ours;
    sigemptyset(&ours);
    const int all[COLLATE_SIGNAL_COUNT] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT };
    for (int i = 0; i < COLLATE_SIGNAL_COUNT; i++) sigaddset(&ours, all[i]);
    pthread_sigmask(SIG_UNBLOCK, &ours, NULL);
}

static inline void collate_restore_signal_handlers(const struct sigaction *previous) {
    const int signals[COLLATE_SIGNAL_COUNT] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT };
    for (int i = 0; i < COLLATE_SIGNAL_COUNT; i++) sigaction(signals[i], &previous[i], NULL);
    *collate_resume_fd() = -1;
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
