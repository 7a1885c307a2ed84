/** The whole sync API: the base app with every resource mounted. */
import { createBaseApp, type Deps } from './platform/app.ts';
import { adminGuard } from './accounts/operator-auth.ts';
import { admin } from './routes/admin.ts';
import { adminOperations } from './routes/admin-operations.ts';
import { adminOperators } from './routes/admin-operators.ts';
import { overviewAdmin } from './routes/admin-overview.ts';
import { consoleSession } from './routes/console.ts';
import { consoleApp, consoleIndex } from './routes/console-app.ts';
import { auth } from './routes/auth.ts';
import { catalog } from './routes/catalog.ts';
import { detectionHealthAdmin, detectionReports } from './routes/detection.ts';
import { me } from './routes/me.ts';
import { metricsRoute } from './routes/metrics.ts';
import { partnerApi } from './routes/partner-api.ts';
import { pointsLiabilityAdmin } from './routes/points-admin.ts';
import { missionsAdmin } from './routes/missions-admin.ts';
import { privacy } from './routes/privacy.ts';
import { purchases } from './routes/purchases.ts';
import { rewards } from './routes/rewards.ts';
import { system } from './routes/system.ts';

export function createApp(deps: Deps) {
  const app = createBaseApp(deps);
  app.route('/', system);
  app.route('/', metricsRoute);
  app.route('/', privacy);
  app.route('/v1/auth', auth);
  app.route('/v1', catalog);
  app.route('/v1/purchases', purchases);
  app.route('/v1/me', me);
  app.route('/v1', rewards);
  app.route('/v1/partner-api', partnerApi);
  app.route('/v1/detection-reports', detectionReports);
  app.route('/v1/console', consoleSession);
  // The console's page; its API calls are the routes above and below.
  app.get('/console/', consoleIndex(deps.consoleDir));
  app.route('/console', consoleApp(deps.consoleDir));
  // Before every operator route (Hono runs handlers in the order they are
  // registered, so this line must stay above every /v1/admin route): the
  // token, or a console session whose role allows the route.
  app.use('/v1/admin/*', adminGuard);
  app.route('/v1/admin/detection-health', detectionHealthAdmin);
  app.route('/v1/admin/points-liability', pointsLiabilityAdmin);
  app.route('/v1/admin/missions', missionsAdmin);
  app.route('/v1/admin/overview', overviewAdmin);
  app.route('/v1/admin', admin);
  app.route('/v1/admin', adminOperations);
  app.route('/v1/admin', adminOperators);
  return app;
}

export type App = ReturnType<typeof createApp>;
