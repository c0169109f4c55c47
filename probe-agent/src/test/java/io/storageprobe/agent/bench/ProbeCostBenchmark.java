package io.storageprobe.agent.bench;

import io.storageprobe.agent.access.TargetProber;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.verdict.RuleSet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The agent's side of bench/probe-cost: one target's probes (measure and judge), timed per round
 * in a warmed-up JVM. Prints one line per round, in nanoseconds: wall; CPU (user+system of this
 * thread) of the probes, the system calls and what the agent makes of them, which is what the C
 * side does; and CPU with the rules' judging on top; then on stderr the whole process's CPU per round, helper threads (JIT, GC)
 * included. Not a test: run by the bench script.
 */
public final class ProbeCostBenchmark {
    private ProbeCostBenchmark() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: ProbeCostBenchmark DEVICE WARMUP ROUNDS");
            System.exit(2);
        }
        Target target = Target.device(args[0]);
        TargetProber prober = new TargetProber();
        RuleSet rules = RuleSet.all();
        int warmup = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        for (int i = 0; i < warmup; i++) {
            rules.judge(prober.measure(target));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        StringBuilder out = new StringBuilder();
        long processCpu = os.getProcessCpuTime();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            long cpu = threads.getCurrentThreadCpuTime();
            var measured = prober.measure(target);
            long probed = threads.getCurrentThreadCpuTime();
            var result = rules.judge(measured);
            long elapsed = System.nanoTime() - start;
            long judged = threads.getCurrentThreadCpuTime();
            if (result.facts() == null) {
                System.err.println("probe failed: " + result.reason());
                System.exit(1);
            }
            out.append(elapsed)
                    .append(' ')
                    .append(probed - cpu)
                    .append(' ')
                    .append(judged - cpu)
                    .append('\n');
        }
        System.err.println("process CPU per round: " + (os.getProcessCpuTime() - processCpu) / rounds + " ns");
        System.out.print(out);
    }
}
