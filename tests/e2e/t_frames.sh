# t_frames.sh - a frame leaves in one write() (#17). ncurses sends a frame
# in pieces: it flushes after every cursor movement inside doupdate()
# until it has been through endwin() once (~8 writes a keypress, ~80 for
# the first frame), and its output buffer, sized once in newterm to about
# a screenful at the starting size, cannot hold a full repaint of a
# bigger window. On a slow link from a bastion a frame in pieces reaches
# the terminal torn. Counted with strace on the writes to the terminal:
# the start (curses' own set-up in newterm goes out with the first frame),
# whole in one write, 10 keypresses on the runbook list (each
# one a frame, with room for the clock's once-a-second ticks), and the
# full repaint after the window grows to 200x60.
. tests/e2e/lib.sh
. tests/e2e/writes.sh
use_shipped_runbooks
am_start 120 40 --runbooks "$T/runbooks"
wait_for "Service Startup Issues"
sleep 1
writes() { tty_writes | wc -l; }
# frame_whole N: the Nth write to the terminal holds a whole frame, from
# the title bar to the key bar's last label.
frame_whole() { tty_writes | sed -n "$1p" | grep -F ' amconsole ' | grep -qF 'Quit'; }
first=$(writes)
[ "$first" -eq 1 ] || fail "the start took $first writes (curses' set-up, the alternate screen, goes out with the frame)"
frame_whole 1 || fail "the first frame is not whole in one write: $(tty_writes | cut -c1-120)"
tty_writes | head -1 | grep -qF '?1049h' || fail "the first write does not enter the alternate screen: $(tty_writes | head -1 | cut -c1-120)"
ok "the start: 1 write, curses' set-up and the first frame whole"
t0=$(date +%s)
n0=$(writes)
for i in 1 2 3 4 5 6 7 8 9 10; do keys j; done
sleep 0.5
n=$(($(writes) - n0))
secs=$(($(date +%s) - t0 + 1))
[ "$n" -ge 10 ] || fail "10 keypresses made only $n writes: the selection did not move?"
[ "$n" -le $((10 + secs)) ] || fail "10 keypresses took $n writes in ${secs}s (one a frame, and a tick a second, at most)"
ok "10 keypresses, 10 frames: $n writes in ${secs}s"
# A window that grows is repainted whole (a size change repaints every
# cell), and that repaint is bigger than curses' own buffer.
t0=$(date +%s)
n0=$(writes)
tm resize-window -t am -x 200 -y 60
# repaint: the write after n0 that holds a whole frame.
repaint() { tty_writes | tail -n "+$((n0 + 1))" | grep -F ' amconsole ' | grep -F 'Quit'; }
has_repaint() { repaint >/dev/null; }
wait_until 5 "no whole frame in one write after the window grew to 200x60" has_repaint
sleep 0.5
n=$(($(writes) - n0))
secs=$(($(date +%s) - t0 + 1))
[ "$n" -le $((1 + secs)) ] || fail "the repaint at 200x60 took $n writes in ${secs}s"
bytes=$(repaint | tail -n 1 | sed 's/.*= //')
[ "$bytes" -gt 5300 ] || fail "the repaint at 200x60 was only $bytes bytes: more than a buffer sized at 120x40?"
ok "the repaint at 200x60: whole in one write of $bytes bytes ($n in ${secs}s)"
keys q
wait_dead
