/*
 * The CPU and wall-clock quota.
 *
 * Why not a count hook on every call: merely enabling Lua's count hook slows
 * every VM instruction (about 3.5 ns here, 1.7x on compute-heavy code). So a
 * call runs with no hook at all, and a single watchdog thread, ticking every
 * millisecond, watches one "slot" per OS thread that runs sandbox calls. When
 * a call overstays its CPU budget (the thread's CPU clock) or its wall-clock
 * deadline, the watchdog flips the slot to TRIPPED and sends the thread a
 * signal; the handler, running on that thread, arms the count hook with
 * lua_sethook (documented as safe to call asynchronously: it is how the stock
 * interpreter stops a script on Ctrl-C). From then on every VM instruction
 * raises, and C builtins notice the TRIPPED slot through lsb_poll.
 *
 * The watchdog never dereferences a sandbox: everything it reads lives in the
 * slot, which outlives every call made on its thread.
 */
#define _GNU_SOURCE
#include "sandbox_internal.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TICK_NS 1000000L


static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sandboxes_exist = PTHREAD_COND_INITIALIZER;
static lsb_slot *slots;
static int live_sandboxes;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static pthread_key_t slot_key;
/* initial-exec: no __tls_get_addr call on the per-call path. */
__thread lsb_slot *lsb_thread_slot __attribute__((tls_model("initial-exec")));
static int stop_signal;

static int64_t now_ns(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void lsb_count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lsb_raise_fault(L);
}

/* Runs on the thread whose call tripped. Only async-signal-safe work:
   atomics, and lua_sethook, which Lua allows from a signal handler. */
static void on_stop_signal(int signal_number) {
    (void)signal_number;
    int saved_errno = errno;
    lsb_slot *slot = lsb_thread_slot;
    if (slot != NULL) {
        uint64_t state = atomic_load(&slot->state);
        uint64_t generation = atomic_load_explicit(&slot->generation, memory_order_relaxed);
        lsb_sandbox *sandbox = slot->sandbox;
        if ((state & 3) == PHASE_TRIPPED && (state >> 2) == generation && sandbox != NULL) {
            lua_sethook(sandbox->running, lsb_count_hook, LUA_MASKCOUNT, 1);
            atomic_store(&slot->armed_generation, generation);
        }
    }
    errno = saved_errno;
}

static void release_slot(void *value) {
    lsb_slot *slot = value;
    pthread_mutex_lock(&slots_lock);
    for (lsb_slot **link = &slots; *link != NULL; link = &(*link)->next) {
        if (*link == slot) { *link = slot->next; break; }
    }
    pthread_mutex_unlock(&slots_lock);
    free(slot);
}

static void check_slot(lsb_slot *slot, int64_t wall_now) {
    uint64_t state = atomic_load(&slot->state);
    uint64_t generation = state >> 2;
    int phase = (int)(state & 3);
    if (phase == PHASE_TRIPPED) {
        /* The handler has not armed the hook yet (signal still pending or
           lost): send it again, at most every few ticks. */
        if (atomic_load(&slot->armed_generation) != generation &&
            wall_now - slot->signalled_at_ns > 3 * TICK_NS) {
            slot->signalled_at_ns = wall_now;
            pthread_kill(slot->thread, stop_signal);
        }
        return;
    }
    if (phase != PHASE_RUNNING) return;
    if (slot->seen_generation != generation) {
        slot->seen_generation = generation;
        slot->seen_wall_ns = wall_now;
        slot->seen_cpu_ns = -1;
        return;
    }
    int64_t wall_used = wall_now - slot->seen_wall_ns;
    int64_t cpu_limit = atomic_load_explicit(&slot->cpu_limit_ns, memory_order_relaxed);
    int64_t wall_limit = atomic_load_explicit(&slot->wall_limit_ns, memory_order_relaxed);
    int kind = 0;
    if (wall_used > wall_limit) {
        kind = LSB_ERR_WALL;
    }
    /* A thread cannot use more CPU than wall time, so its CPU clock (a
       system call) is read only once the wall time could exceed the budget. */
    if (slot->seen_cpu_ns < 0) slot->seen_cpu_ns = now_ns(slot->cpu_clock);
    if (wall_used > cpu_limit) {
        int64_t cpu_used = now_ns(slot->cpu_clock) - slot->seen_cpu_ns;
        if (cpu_used > cpu_limit) kind = LSB_ERR_CPU;
    }
    if (kind == 0) return;
    atomic_store(&slot->trip_kind, kind);
    uint64_t expected = state;
    if (atomic_compare_exchange_strong(&slot->state, &expected, (generation << 2) | PHASE_TRIPPED)) {
        slot->signalled_at_ns = wall_now;
        pthread_kill(slot->thread, stop_signal);
    }
}

static void *watchdog_main(void *unused) {
    (void)unused;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_mutex_lock(&slots_lock);
    for (;;) {
        while (live_sandboxes == 0) pthread_cond_wait(&sandboxes_exist, &slots_lock);
        int64_t wall_now = now_ns(CLOCK_MONOTONIC);
        for (lsb_slot *slot = slots; slot != NULL; slot = slot->next) check_slot(slot, wall_now);
        pthread_mutex_unlock(&slots_lock);
        struct timespec tick = {0, TICK_NS};
        nanosleep(&tick, NULL);
        pthread_mutex_lock(&slots_lock);
    }
    return NULL;
}

static void start_watchdog(void) {
    stop_signal = SIGRTMIN + 5;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(stop_signal, &action, NULL);
    pthread_key_create(&slot_key, release_slot);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 64 * 1024);
    if (pthread_create(&thread, &attributes, watchdog_main, NULL) != 0) abort();
    pthread_attr_destroy(&attributes);
}

void lsb_watchdog_retain(void) {
    pthread_once(&start_once, start_watchdog);
    pthread_mutex_lock(&slots_lock);
    if (live_sandboxes++ == 0) pthread_cond_signal(&sandboxes_exist);
    pthread_mutex_unlock(&slots_lock);
}

void lsb_watchdog_release(void) {
    pthread_mutex_lock(&slots_lock);
    live_sandboxes--;
    pthread_mutex_unlock(&slots_lock);
}

lsb_slot *lsb_create_thread_slot(void) {
    lsb_slot *slot = calloc(1, sizeof *slot);
    if (slot == NULL) return NULL;
    slot->thread = pthread_self();
    if (pthread_getcpuclockid(slot->thread, &slot->cpu_clock) != 0) slot->cpu_clock = CLOCK_THREAD_CPUTIME_ID;
    /* The stop signal must reach this thread even if it was created with
       signals blocked. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, stop_signal);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    pthread_mutex_lock(&slots_lock);
    slot->next = slots;
    slots = slot;
    pthread_mutex_unlock(&slots_lock);
    pthread_setspecific(slot_key, slot);
    lsb_thread_slot = slot;
    return slot;
}

