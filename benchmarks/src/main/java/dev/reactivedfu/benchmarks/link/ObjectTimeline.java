package dev.reactivedfu.benchmarks.link;

import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.simulator.FrameTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an update's time goes, object by object, from the board's side: a {@link FrameTrace} that notes, per data
 * object, when its CREATE arrived, when the first and last WRITE arrived, when the EXECUTE arrived, and everything
 * else that arrived in between. {@link #summary()} averages the phases over the data objects: erase and answer
 * (CREATE to its answer), the host's turn after CREATE (answer out to first write in), the stream (first to last
 * write in), the host's turn after the last write (last write in to the next request in), EXECUTE to the next
 * CREATE, and the requests per object beyond CREATE, WRITEs and EXECUTE. Model time, so load cannot distort it
 * except through the host's own delays.
 */
final class ObjectTimeline implements FrameTrace {

    private record Obj(long create, long createAnswered, long firstWrite, long lastWrite, long afterLast,
                       long execute, int extra, long maxGap, int maxGapAt) {
    }

    private final List<Obj> objects = new ArrayList<>();
    private boolean inData;
    private long create = -1;
    private long createAnswered = -1;
    private long firstWrite = -1;
    private long lastWrite = -1;
    private long afterLast = -1;
    private int extra;
    private int writes;
    private long maxGap;
    private int maxGapAt;
    private long lastExecute = -1;
    private final List<Long> executeToCreate = new ArrayList<>();

    @Override
    public synchronized void frame(Direction direction, long nanos, byte[] message, String note) {
        if (message.length == 0) {
            return;
        }
        int op = message[0] & 0xFF;
        if (direction == Direction.OUT) {
            if (op == 0x60 && message.length > 1 && (message[1] & 0xFF) == OpCode.CREATE.code() && inData
                    && createAnswered < 0) {
                createAnswered = nanos;
            }
            return;
        }
        if (op == OpCode.CREATE.code()) {
            inData = message.length > 1 && (message[1] & 0xFF) == ObjectType.DATA.code();
            if (inData) {
                if (lastExecute >= 0) {
                    executeToCreate.add(nanos - lastExecute);
                    lastExecute = -1;
                }
                create = nanos;
                createAnswered = -1;
                firstWrite = -1;
                lastWrite = -1;
                afterLast = -1;
                extra = 0;
                writes = 0;
                maxGap = 0;
                maxGapAt = 0;
            }
            return;
        }
        if (!inData) {
            return;
        }
        if (op == OpCode.WRITE.code()) {
            if (firstWrite < 0) {
                firstWrite = nanos;
            } else if (nanos - lastWrite > maxGap) {
                maxGap = nanos - lastWrite;
                maxGapAt = writes;
            }
            writes++;
            lastWrite = nanos;
            return;
        }
        if (afterLast < 0) {
            afterLast = nanos;
        }
        if (op == OpCode.EXECUTE.code()) {
            if (create >= 0 && firstWrite >= 0) {
                objects.add(new Obj(create, createAnswered, firstWrite, lastWrite, afterLast, nanos, extra, maxGap,
                        maxGapAt));
            }
            lastExecute = nanos;
            create = -1;
        } else {
            extra++;
        }
    }

    /** The averages, one line. */
    synchronized String summary() {
        int n = objects.size();
        if (n == 0) {
            return "no data objects traced";
        }
        double erase = 0;
        double hostAfterCreate = 0;
        double stream = 0;
        double hostAfterLast = 0;
        double extras = 0;
        double gap = 0;
        java.util.Map<Integer, Integer> gapAt = new java.util.TreeMap<>();
        for (Obj o : objects) {
            gap += o.maxGap();
            gapAt.merge(o.maxGapAt(), 1, Integer::sum);
            erase += o.createAnswered() - o.create();
            hostAfterCreate += o.firstWrite() - o.createAnswered();
            stream += o.lastWrite() - o.firstWrite();
            hostAfterLast += o.afterLast() - o.lastWrite();
            extras += o.extra();
        }
        double execToCreate = executeToCreate.stream().mapToLong(Long::longValue).average().orElse(0);
        return String.format(Locale.ROOT, "%d objects, ms per object: CREATE->answer %.2f, answer->first write %.2f, "
                        + "stream %.2f, last write->next request %.2f, EXECUTE->next CREATE %.2f; extra requests %.2f; "
                        + "longest gap between writes %.2f, before write (count) %s",
                n, erase / n / 1e6, hostAfterCreate / n / 1e6, stream / n / 1e6, hostAfterLast / n / 1e6,
                execToCreate / 1e6, extras / n, gap / n / 1e6, gapAt);
    }
}
