/** Version of @twiga/serve, shown in the OpenAPI document (a test keeps it equal to package.json). */
export const SERVE_VERSION = '0.1.0';
