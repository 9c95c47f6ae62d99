package dev.quanta.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import dev.quanta.worker.model.GoldenFiles;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.sampling.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The serving engine's request semantics on stories260K (native kernels): n, stops, logprobs, limits, cancel. */
class EngineBehaviourTest {

    private static LlmEngine engine;
    private static int[] prompt;

    @BeforeAll
    static void open() throws Exception {
        engine = LlmEngine.open(GoldenFiles.model("stories260K"),
                new EngineConfig(2, 0, GgmlType.F16, 256, 64, 4, 2, 16, false));
        prompt = engine.tokenizer().encode("Once upon a time, there was a little girl named Lily. She loved", true,
                false);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @AfterEach
    void everySequenceEndedAndItsBlocksAreFree() {
        EngineStats s = engine.stats();
        assertThat(s.running()).isZero();
        assertThat(s.waiting()).isZero();
        assertThat(s.kvUsage()).isZero();
    }

    private static EngineRequest request(int[] tokens, SamplingParams p, StopConditions stop, int n, int top,
                                         boolean echo) {
        return new EngineRequest("t", tokens, p, stop, n, top, echo, null);
    }

    @Test
    void greedyChildrenOfOneRequestAreIdenticalAndShareThePromptBlocks() throws Exception {
        Collected one = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                StopConditions.maxTokens(20), 1, -1, false));
        Collected three = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                StopConditions.maxTokens(20), 3, -1, false));
        for (int i = 0; i < 3; i++) {
            assertThat(three.tokens(i)).as("child " + i).containsExactly(one.tokens(0));
        }
        assertThat(three.usage.completionTokens()).isEqualTo(60);
        assertThat(three.usage.promptTokens()).isEqualTo(prompt.length);
    }

    @Test
    void seededChildrenDrawDifferentStreamsAndRepeatExactly() throws Exception {
        SamplingParams p = new SamplingParams(1.0f, 0, 1f, 0f, 42);
        Collected a = Collected.run(engine, request(prompt, p, StopConditions.maxTokens(24), 2, -1, false));
        Collected b = Collected.run(engine, request(prompt, p, StopConditions.maxTokens(24), 2, -1, false));
        assertThat(a.tokens(0)).containsExactly(b.tokens(0));
        assertThat(a.tokens(1)).containsExactly(b.tokens(1));
        assertThat(a.tokens(0)).isNotEqualTo(a.tokens(1));
    }

    @Test
    void aStopStringEndsTheSequenceAndIsNotReturned() throws Exception {
        Collected free = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                StopConditions.maxTokens(40), 1, -1, false));
        String text = free.text.getFirst().toString();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        Collected stopped = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                new StopConditions(40, 0, List.of(stop), List.of(), false), 1, -1, false));
        assertThat(stopped.reasons[0]).isEqualTo(FinishReason.STOP);
        assertThat(stopped.text.getFirst().toString()).isEqualTo(text.substring(0, text.indexOf(stop)));
    }

    @Test
    void aStopTokenIdEndsTheSequence() throws Exception {
        Collected free = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                StopConditions.maxTokens(20), 1, -1, false));
        int stopId = free.tokens(0)[5];
        Collected stopped = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                new StopConditions(20, 0, List.of(), List.of(stopId), false), 1, -1, false));
        int first = 0;
        while (free.tokens(0)[first] != stopId) {
            first++;
        }
        assertThat(stopped.tokens(0)).hasSize(first + 1).endsWith(stopId);
        assertThat(stopped.reasons[0]).isEqualTo(FinishReason.STOP);
    }

    @Test
    void maxTokensEndsWithLength() throws Exception {
        Collected c = Collected.run(engine, request(prompt, SamplingParams.greedy(), StopConditions.maxTokens(7), 1,
                0, false));
        assertThat(c.tokens(0)).hasSize(7);
        assertThat(c.reasons[0]).isEqualTo(FinishReason.LENGTH);
        assertThat(c.logprobs.getFirst()).allSatisfy(lp -> assertThat(lp).isLessThanOrEqualTo(0f));
    }

    @Test
    void promptLogprobsScoreEveryPromptTokenAfterTheFirst() throws Exception {
        Collected c = Collected.run(engine, request(prompt, SamplingParams.greedy(), StopConditions.maxTokens(1), 1,
                2, true));
        List<TokenLogProb[]> lp = c.promptLogprobs;
        assertThat(lp).hasSize(prompt.length);
        assertThat(lp.getFirst()).isNull();
        for (int i = 1; i < prompt.length; i++) {
            assertThat(lp.get(i)[0].id()).isEqualTo(prompt[i]);
            assertThat(lp.get(i)).hasSize(3);
            assertThat(lp.get(i)[0].logprob()).isLessThanOrEqualTo(lp.get(i)[1].logprob() + 1e-6f);
        }
    }

    @Test
    void aRequestThatCanNeverFitIsRefusedWithTheNumbers() {
        assertThatThrownBy(() -> engine.submit(request(prompt, SamplingParams.greedy(),
                StopConditions.maxTokens(250), 1, -1, false), new Collected(1)))
                .isInstanceOf(EngineRejectedException.class)
                .hasMessageContaining("maximum context length is 256 tokens")
                .hasMessageContaining(prompt.length + " in the prompt")
                .satisfies(e -> assertThat(((EngineRejectedException) e).reason())
                        .isEqualTo(EngineRejectedException.Reason.TOO_LONG));
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRefused() {
        assertThatThrownBy(() -> engine.submit(request(new int[] {1, 99999}, SamplingParams.greedy(),
                StopConditions.maxTokens(5), 1, -1, false), new Collected(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99999");
    }

    @Test
    void beyondRunningAndWaitingLimitsNewRequestsAreRefusedAndOthersStillFinish() throws Exception {
        // 4 running + 2 waiting fit; the seventh is refused while they are all still live. The first request's
        // first token holds the step thread (a test-only listener that blocks), so none can finish meanwhile.
        CountDownLatch release = new CountDownLatch(1);
        List<Collected> admitted = new ArrayList<>();
        List<RequestHandle> handles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            boolean holds = i == 0;
            Collected c = new Collected(1) {
                @Override
                public void onToken(TokenOutput t) {
                    super.onToken(t);
                    if (holds) {
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            handles.add(engine.submit(request(prompt, SamplingParams.greedy(), StopConditions.maxTokens(100), 1, -1,
                    false), c));
            admitted.add(c);
        }
        assertThatThrownBy(() -> engine.submit(request(prompt, SamplingParams.greedy(), StopConditions.maxTokens(5),
                1, -1, false), new Collected(1)))
                .isInstanceOf(EngineRejectedException.class)
                .satisfies(e -> assertThat(((EngineRejectedException) e).reason())
                        .isEqualTo(EngineRejectedException.Reason.QUEUE_FULL));
        release.countDown();
        for (Collected c : admitted) {
            c.await();
        }
        handles.forEach(RequestHandle::cancel);
    }

    @Test
    void cancellingFreesTheSequenceAtOnceWithAbort() throws Exception {
        CountDownLatch firstToken = new CountDownLatch(1);
        Collected c = new Collected(1) {
            @Override
            public synchronized void onToken(TokenOutput t) {
                super.onToken(t);
                firstToken.countDown();
            }
        };
        RequestHandle h = engine.submit(request(prompt, SamplingParams.greedy(),
                new StopConditions(180, 0, List.of(), List.of(), true), 1, -1, false), c);
        assertThat(firstToken.await(30, TimeUnit.SECONDS)).isTrue();
        h.cancel();
        c.await();
        assertThat(c.reasons[0]).isEqualTo(FinishReason.ABORT);
        assertThat(c.tokens(0).length).isLessThan(180);
    }

    @Test
    void minTokensHoldsOffEndOfGeneration() throws Exception {
        Collected free = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                StopConditions.maxTokens(150), 1, -1, false));
        int natural = free.tokens(0).length;
        if (free.reasons[0] == FinishReason.STOP) {
            Collected held = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                    new StopConditions(150, natural + 5, List.of(), List.of(), false), 1, -1, false));
            assertThat(held.tokens(0).length).isGreaterThanOrEqualTo(natural + 5);
        } else {
            assertThat(natural).isEqualTo(150);
        }
    }

    @Test
    void aFrequencyPenaltyChangesWhatIsRepeatedThroughTheStepLoop() throws Exception {
        Collected plain = Collected.run(engine, request(prompt, SamplingParams.greedy(),
                new StopConditions(60, 0, List.of(), List.of(), true), 1, -1, false));
        SamplingParams penalised = new SamplingParams(0f, 0, 1f, 0f, 0, 1f, 0f, 2f, java.util.Map.of());
        Collected pen = Collected.run(engine, request(prompt, penalised,
                new StopConditions(60, 0, List.of(), List.of(), true), 1, -1, false));
        assertThat(pen.tokens(0)).isNotEqualTo(plain.tokens(0));
        assertThat(distinct(pen.tokens(0))).isGreaterThan(distinct(plain.tokens(0)));
    }

    private static long distinct(int[] tokens) {
        return java.util.Arrays.stream(tokens).distinct().count();
    }
}
