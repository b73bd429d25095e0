// Swagger UI on crm-bridge's own OpenAPI document; a file, not inline, for the strict CSP.
/* global window, SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
});
