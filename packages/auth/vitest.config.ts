import { defineStreamlineProject } from "@streamline/vitest-config";

export default defineStreamlineProject("auth");
