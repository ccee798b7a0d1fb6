/**
 * The Bookinfo traffic check's numbers, in one place: what the check Job is given, its deadline
 * and how long the control-plane node waits for it are all derived from them.
 *
 * The traffic check: the field reports' 50 requests through the whole chain, all of which must
 * be whole product pages, counted after a warm-up (5 whole pages in a row, for at most two
 * minutes: the reviews JVMs answer their first requests slowly), each request given at most
 * 10 s (productpage itself waits up to 3 s for details and twice 3 s for reviews). At most 3
 * Jobs, one after the other; a finished one is deleted an hour later, so a failed check does
 * not keep KubeJobFailed firing.
 */
export const trafficCheck = {
    /** The prefix of each Job's generated name, and the `app` label of every check Job and pod. */
    job: "bookinfo-traffic-check",
    requests: 50,
    requestSeconds: 10,
    warmupPages: 5,
    warmupSeconds: 120,
    /** The warm-up's pause after a page that was not whole. */
    warmupPauseSeconds: 1,
    /** For the pod to be scheduled, pull the curl image and start its proxy. */
    startSeconds: 60,
    attempts: 3,
    /** How much longer the node waits than the Job may run, so that it sees the Job's end. */
    waitMarginSeconds: 60,
    ttlSecondsAfterFinished: 3600,
    /**
     * How long the node waits for each Deployment it restarts because a pod of it runs without
     * the Linkerd proxy: a new pod pulls nothing, but reviews' JVM is slow to become ready.
     */
    rolloutSeconds: 300,
} as const;

/** The numbers the check's duration depends on. */
export type TrafficTiming = { [K in "requests" | "requestSeconds" | "warmupSeconds" | "warmupPauseSeconds" | "startSeconds"]: number };

/**
 * The longest a check Job can need, its `activeDeadlineSeconds`: the pod's start, the warm-up
 * (whose last request may start just before its time is up, and be followed by its pause), then
 * every request at its timeout.
 */
export const trafficCheckDeadline = (t: TrafficTiming): number =>
    t.startSeconds + t.warmupSeconds + t.requestSeconds + t.warmupPauseSeconds + t.requests * t.requestSeconds;

/** How long the node waits for each Job: past the Job's deadline, so it always sees the Job end. */
export const trafficCheckWait = trafficCheckDeadline(trafficCheck) + trafficCheck.waitMarginSeconds;
