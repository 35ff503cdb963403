<?php defined('BASEPATH') or exit('No direct script access allowed'); ?>
<?php
/*
 * Setup > SLA Vigil service: the service URL and whether the service answers to this
 * install's secret. Rendered by PHP, so it works while the service is down. Every value
 * is escaped here; $csrf is Perfex's token field for the form.
 */
$e = static fn (string $text): string => htmlspecialchars($text, ENT_QUOTES, 'UTF-8');
$states = [
    'connected'   => ['success', 'sla_vigil_connection_connected'],
    'refused'     => ['danger', 'sla_vigil_connection_refused'],
    'unreachable' => ['warning', 'sla_vigil_connection_unreachable'],
];
[$tone, $label] = $states[$check['state']] ?? $states['unreachable'];
init_head();
?>
<div id="wrapper">
  <div class="content">
    <div class="row">
      <div class="col-md-8">
        <h4><?php echo $e(_l('sla_vigil_connection')); ?></h4>
        <div class="panel_s">
          <div class="panel-body">
            <p class="alert alert-<?php echo $tone; ?>" data-sla-vigil-connection="<?php echo $e($check['state']); ?>">
              <?php echo $e(_l($label)); ?>
              <?php if ($check['detail'] !== '') { ?><br><small><?php echo $e($check['detail']); ?></small><?php } ?>
            </p>
            <form method="post" action="<?php echo $e(admin_url('sla_vigil/connection')); ?>">
              <input type="hidden" name="<?php echo $e($csrf['name']); ?>" value="<?php echo $e($csrf['hash']); ?>">
              <div class="form-group<?php echo $error !== null ? ' has-error' : ''; ?>">
                <label for="service_url"><?php echo $e(_l('sla_vigil_service_url')); ?></label>
                <input type="url" class="form-control" id="service_url" name="service_url" maxlength="255" required
                  value="<?php echo $e($serviceUrl); ?>"<?php echo $error !== null ? ' aria-invalid="true" aria-describedby="service_url_error"' : ''; ?>>
                <?php if ($error !== null) { ?>
                <p class="help-block" id="service_url_error"><?php echo $e(_l($error)); ?></p>
                <?php } ?>
                <p class="help-block"><?php echo $e(_l('sla_vigil_connection_help')); ?></p>
              </div>
              <button type="submit" class="btn btn-primary"><?php echo $e(_l('sla_vigil_connection_save')); ?></button>
            </form>
          </div>
        </div>
      </div>
    </div>
  </div>
</div>
<?php init_tail(); ?>
</body>
</html>
