import { defineStreamlineProject } from "@streamline/vitest-config";

export default defineStreamlineProject("telemetry");
