import * as pulumi from "@pulumi/pulumi";
import { LanguageSetting, terminalLanguage, translator } from "../lib/messages";

export interface PlacementCheckArgs {
    /** What the platform transform has not met so far (`platformPlacement(...).unseen`). */
    unseen: () => string[];
    /**
     * The charts and components the transform is applied to. The check waits until each is
     * built: a chart once its children were rendered, registered and transformed (its
     * `resources` are known), a component once every child is registered.
     */
    built: pulumi.Resource[];
    language: LanguageSetting;
}

/**
 * Fails `pulumi up` with one sentence naming each configured workload or exposed Service the
 * platform transform never met (a chart renamed it, or the configuration names something no
 * chart renders), instead of leaving it unpinned or unexposed without a word. A preview does
 * not judge: before the cluster exists the charts are not rendered.
 */
export class PlacementCheck extends pulumi.ComponentResource {
    /** True once every object was built and every target met (false in a preview, which does not judge); rejects otherwise. */
    readonly checked: pulumi.Output<boolean>;

    constructor(name: string, args: PlacementCheckArgs, opts?: pulumi.ComponentResourceOptions) {
        // dependsOn a component waits for all of its children, a chart for its rendered objects.
        super("k8slab:index:PlacementCheck", name, {}, { ...opts, dependsOn: args.built });
        const t = translator(terminalLanguage(args.language));
        this.checked = this.urn.apply(() => {
            if (pulumi.runtime.isDryRun()) return false;
            const missing = args.unseen();
            if (missing.length > 0) throw new pulumi.RunError(t("placement.unseen", { missing: missing.join(", ") }));
            return true;
        });
        // Not registered as an output, whose serialization would wrap the sentence in a stack
        // trace: the rejected check itself fails the program, reported as the RunError it is.
        this.registerOutputs({});
    }
}
