import * as assert from "assert";
import { labTags, nameTag } from "../../lib/tags";

describe("tags", () => {
    // Outside a Pulumi run the SDK's project and stack are "project" and "stack": these show the lab's own are used.
    const lab = { project: "k8s-lab", stack: "ci" };

    it("names a resource after the lab it is given, then its part", () => {
        assert.deepStrictEqual(nameTag("k8s-lab-ci", "vpc"), { Name: "k8s-lab-ci-vpc" });
    });

    it("tags every resource with the user's tags, then the lab's, which win", () => {
        assert.deepStrictEqual(labTags({ Team: "platform", Stack: "mine" }, lab, "0a1b2c3d4e5f6789"), {
            Team: "platform",
            Stack: "ci",
            Project: "k8s-lab",
            LabId: "0a1b2c3d4e5f6789",
            ManagedBy: "pulumi",
        });
    });
});
